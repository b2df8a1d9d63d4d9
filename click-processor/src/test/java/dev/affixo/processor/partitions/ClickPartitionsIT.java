package dev.affixo.processor.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.dedup.Classification;
import dev.affixo.processor.partitions.ClickPartitions.Partition;
import dev.affixo.processor.schema.FreshDatabase;
import dev.affixo.processor.sink.ClickRow;
import dev.affixo.processor.sink.JdbiRowWriter;
import dev.affixo.processor.sink.RowBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Partitions of {@code clicks} on a database of their own (they drop partitions): made ahead and on demand,
 * concurrently, across a change of period; retention drops whole partitions and nothing newer.
 */
@WithPipelineInfra
class ClickPartitionsIT {

    /** Long before today, so V4's partitions (this month and the next two) are never among these. */
    private static final Instant NOW = Instant.parse("2020-06-15T12:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(90); // retained from 2020-03-17T12:00Z

    private static PipelineInfra infra;

    @BeforeAll
    static void infra(PipelineInfra pipelineInfra) {
        infra = pipelineInfra;
    }

    @Test
    void retentionDropsWholePartitionsPastItAndKeepsEveryNewerRow() {
        try (FreshDatabase db = FreshDatabase.create(infra).migrate(null)) {
            long ws = 42;
            // Written by a writer that keeps everything: the months' partitions are created on demand.
            List<ClickRow> rows = new ArrayList<>();
            rows.addAll(clicks(ws, "2020-01-10T00:00:00Z", 3, true));
            rows.addAll(clicks(ws, "2020-02-29T23:59:59.996Z", 4, true)); // the last at .999
            rows.addAll(clicks(ws, "2020-03-01T00:00:00Z", 5, true)); // older than the retention, in a kept partition
            rows.addAll(clicks(ws, "2020-05-20T08:00:00Z", 6, false));
            assertThat(new JdbiRowWriter(db.jdbi).write(new RowBatch(rows, List.of()))).isEmpty();
            ClickPartitions partitions = new ClickPartitions(db.jdbi, PartitionPeriod.MONTH, RETENTION);
            assertThat(names(partitions)).contains("clicks_p20200101", "clicks_p20200201", "clicks_p20200301",
                    "clicks_p20200501");

            List<Partition> dropped = partitions.dropPastRetention(NOW);

            assertThat(dropped).extracting(Partition::name).containsExactly("clicks_p20200101", "clicks_p20200201");
            assertThat(names(partitions)).doesNotContain("clicks_p20200101", "clicks_p20200201")
                    .contains("clicks_p20200301", "clicks_p20200501");
            assertThat(count(db, "select count(*) from clicks")).isEqualTo(11);
            assertThat(count(db, "select count(*) from clicks where received_at < '2020-03-01'")).isZero();
            // The keyed event ids of the dropped range went with it; March's stays.
            assertThat(count(db, "select count(*) from click_keyed_events")).isEqualTo(1);
            assertThat(count(db, "select count(*) from click_keyed_events where received_at = '2020-03-01T00:00:00Z'"))
                    .isEqualTo(1);
            // The same again: nothing more to drop.
            assertThat(partitions.dropPastRetention(NOW)).isEmpty();
            assertThat(count(db, "select count(*) from clicks")).isEqualTo(11);
            // Without a retention nothing is ever dropped.
            assertThat(new ClickPartitions(db.jdbi, PartitionPeriod.MONTH, null).dropPastRetention(Instant.MAX
                    .minusSeconds(1))).isEmpty();
            assertThat(count(db, "select count(*) from clicks")).isEqualTo(11);
        }
    }

    @Test
    void aPartitionWhoseRangeEndsWithinTheGraceStays() {
        try (FreshDatabase db = FreshDatabase.create(infra).migrate(null)) {
            ClickPartitions partitions = new ClickPartitions(db.jdbi, PartitionPeriod.DAY, Duration.ofDays(1));
            partitions.ensureCovered(List.of(Instant.parse("2020-06-13T10:00:00Z"), Instant.parse("2020-06-14T10:00:00Z")));
            // Upper bounds 2020-06-14T00:00 and 2020-06-15T00:00; retained from 2020-06-14T23:00 minus the 1 h grace.
            Instant now = Instant.parse("2020-06-16T00:30:00Z");
            assertThat(partitions.dropPastRetention(now)).extracting(Partition::name)
                    .containsExactly("clicks_p20200613");
            assertThat(names(partitions)).contains("clicks_p20200614");
            assertThat(partitions.dropPastRetention(now.plus(Duration.ofMinutes(30)))).extracting(Partition::name)
                    .containsExactly("clicks_p20200614");
        }
    }

    @Test
    void theWriterStoresNothingOlderThanTheRetentionAndRefusesNothingForIt() {
        try (FreshDatabase db = FreshDatabase.create(infra).migrate(null)) {
            ClickPartitions partitions = new ClickPartitions(db.jdbi, PartitionPeriod.MONTH, RETENTION);
            JdbiRowWriter writer = new JdbiRowWriter(db.jdbi, partitions, Clock.fixed(NOW, ZoneOffset.UTC));
            List<ClickRow> rows = new ArrayList<>(clicks(7, "2020-03-17T11:59:59.998Z", 2, true));
            rows.addAll(clicks(7, "2020-03-17T12:00:00Z", 3, true));

            assertThat(writer.write(new RowBatch(rows, List.of()))).isEmpty();

            assertThat(count(db, "select count(*) from clicks")).isEqualTo(3);
            assertThat(count(db, "select count(*) from clicks where received_at < '2020-03-17T12:00:00Z'")).isZero();
            assertThat(count(db, "select count(*) from visitors")).isEqualTo(3);
        }
    }

    @Test
    void partitionsAreMadeAheadOnceEvenByManyInstancesAtOnce() throws Exception {
        try (FreshDatabase db = FreshDatabase.create(infra).migrate(null)) {
            int instances = 4;
            CyclicBarrier start = new CyclicBarrier(instances);
            ExecutorService pool = Executors.newFixedThreadPool(instances);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int i = 0; i < instances; i++) {
                    PartitionMaintenance maintenance = new PartitionMaintenance(
                            new ClickPartitions(db.jdbi, PartitionPeriod.DAY, null), 3, Clock.fixed(NOW, ZoneOffset.UTC));
                    runs.add(pool.submit(() -> {
                        start.await();
                        maintenance.runOnce();
                        return null;
                    }));
                }
                for (Future<?> run : runs) {
                    run.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(new ClickPartitions(db.jdbi, PartitionPeriod.DAY, null).list()).filteredOn(
                    p -> p.lower().isBefore(Instant.parse("2021-01-01T00:00:00Z")))
                    .containsExactly(
                            day("2020-06-15", "2020-06-16"), day("2020-06-16", "2020-06-17"),
                            day("2020-06-17", "2020-06-18"), day("2020-06-18", "2020-06-19"));
        }
    }

    @Test
    void aNewPeriodFillsTheGapBetweenPartitionsOfTheOldOne() {
        try (FreshDatabase db = FreshDatabase.create(infra).migrate(null)) {
            new ClickPartitions(db.jdbi, PartitionPeriod.MONTH, null)
                    .ensureCovered(List.of(Instant.parse("2020-03-10T00:00:00Z"), Instant.parse("2020-05-10T00:00:00Z")));
            ClickPartitions weekly = new ClickPartitions(db.jdbi, PartitionPeriod.WEEK, null);
            // Weeks start on Monday: 2020-03-30 and 2020-04-27 overlap March and May, so they are clipped.
            weekly.ensureCovered(List.of(Instant.parse("2020-04-01T10:00:00Z"), Instant.parse("2020-04-29T10:00:00Z"),
                    Instant.parse("2020-04-15T10:00:00Z")));

            assertThat(weekly.list()).filteredOn(p -> p.lower().isBefore(Instant.parse("2021-01-01T00:00:00Z")))
                    .containsExactly(
                            day("2020-03-01", "2020-04-01"),
                            new Partition("clicks_p20200401", Instant.parse("2020-04-01T00:00:00Z"),
                                    Instant.parse("2020-04-06T00:00:00Z")),
                            day("2020-04-13", "2020-04-20"),
                            new Partition("clicks_p20200427", Instant.parse("2020-04-27T00:00:00Z"),
                                    Instant.parse("2020-05-01T00:00:00Z")),
                            day("2020-05-01", "2020-06-01"));
            // and a write into any of them works
            ClickRow row = ClickRow.of(Clicks.cookie(1, "v", null, 1, Instant.parse("2020-04-05T23:59:59.999Z")), "v",
                    Classification.UNIQUE);
            assertThat(new JdbiRowWriter(db.jdbi, weekly, Clock.systemUTC()).write(new RowBatch(List.of(row),
                    List.of()))).isEmpty();
            assertThat(count(db, "select count(*) from clicks_p20200401")).isEqualTo(1);
        }
    }

    private static Partition day(String from, String to) {
        Instant lower = Instant.parse(from + "T00:00:00Z");
        return new Partition(ClickPartitions.name(lower), lower, Instant.parse(to + "T00:00:00Z"));
    }

    /** {@code n} clicks of {@code ws} at {@code at} plus 0, 1, 2 … ms; the first {@code keyed} ones with a key. */
    private static List<ClickRow> clicks(long ws, String at, int n, boolean keyed) {
        List<ClickRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ClickEvent c = Clicks.cookie(ws, "v-" + at + i, null, 1, Instant.parse(at).plusMillis(i));
            if (keyed && i == 0) {
                c = new ClickEvent(c.eventId(), c.workspaceId(), c.linkId(), c.affiliateId(), c.campaignId(), c.ref(),
                        c.visitorId(), c.matchMethod(), c.matchConfidence(), c.fingerprint(), c.url(), c.referrer(),
                        c.keyId(), "key-" + at, c.receivedAt());
            }
            rows.add(ClickRow.of(c, c.visitorId(), Classification.UNIQUE));
        }
        return rows;
    }

    private static List<String> names(ClickPartitions partitions) {
        return partitions.list().stream().map(Partition::name).toList();
    }

    private static long count(FreshDatabase db, String sql) {
        return db.jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
