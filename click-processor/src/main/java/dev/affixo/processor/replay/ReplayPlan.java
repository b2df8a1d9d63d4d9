package dev.affixo.processor.replay;

import dev.affixo.processor.config.ProcessorProperties;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Jdbi;

/** What a replay will do, said before it does it (and all that {@code --dry-run} does). */
record ReplayPlan(String topic, ReplayRange range, Map<TopicPartition, Long> earliestOffsets,
                  Map<TopicPartition, Long> endOffsets, long recordsInRange, Map<String, Long> classifications,
                  String dedupWindow, int velocityMaxPerMinute) {

    static ReplayPlan of(Admin admin, Jdbi jdbi, ProcessorProperties props, ReplayRange range)
            throws ExecutionException, InterruptedException {
        List<TopicPartition> partitions = partitions(admin, props.acceptedTopic());
        Map<TopicPartition, Long> earliest = offsets(admin, partitions, p -> OffsetSpec.earliest());
        Map<TopicPartition, Long> end = endOffsets(admin, partitions);
        Map<TopicPartition, Long> rangeStart = range.fromEarliest() ? earliest
                : offsets(admin, partitions, p -> OffsetSpec.forTimestamp(range.from().toEpochMilli()));
        Map<TopicPartition, Long> rangeEnd = offsets(admin, partitions, p -> OffsetSpec.forTimestamp(range.to().toEpochMilli()));
        long inRange = 0;
        for (TopicPartition p : partitions) {
            long startOffset = rangeStart.get(p) < 0 ? end.get(p) : rangeStart.get(p);
            long endOffset = rangeEnd.get(p) < 0 ? end.get(p) : rangeEnd.get(p);
            inRange += Math.max(0, endOffset - startOffset);
        }
        return new ReplayPlan(props.acceptedTopic(), range, earliest, end, inRange, classifications(jdbi, range),
                props.dedupWindow().toString(), props.velocityMaxPerMinute());
    }

    String describe(String replayId) {
        long toRead = endOffsets.entrySet().stream().mapToLong(e -> e.getValue() - earliestOffsets.get(e.getKey())).sum();
        return String.join("\n",
                "replay plan",
                "  topic:             " + topic + " (" + endOffsets.size() + " partitions)",
                "  read:              the whole retention, ~" + toRead + " records, up to the end offsets seen now",
                "  rewrite:           rows of clicks received in " + range + " (~" + recordsInRange + " records)",
                "  rows in range now: unique " + classifications.getOrDefault("unique", 0L)
                        + ", duplicate " + classifications.getOrDefault("duplicate", 0L)
                        + "; bot " + classifications.getOrDefault("bot", 0L),
                "  dedup window:      " + dedupWindow,
                "  velocity:          more than " + velocityMaxPerMinute + " clicks per ip_hash, link and minute",
                "  as application id: " + replayId + " (deleted afterwards; the live processor is not touched)");
    }

    /** Rows in the range per classification, and under {@code bot} those labelled bot. */
    static Map<String, Long> classifications(Jdbi jdbi, ReplayRange range) {
        // Every click was received after 1970; "earliest" needs no special SQL.
        Timestamp from = Timestamp.from(range.fromEarliest() ? java.time.Instant.EPOCH : range.from());
        return jdbi.withHandle(h -> h.createQuery("""
                        select classification, count(*) as n from clicks
                        where received_at >= :from and received_at < :to group by classification
                        union all
                        select 'bot', count(*) from clicks
                        where received_at >= :from and received_at < :to and traffic = 'bot'""")
                .bind("from", from)
                .bind("to", Timestamp.from(range.to()))
                .reduceRows(new HashMap<String, Long>(), (map, row) -> {
                    map.put(row.getColumn("classification", String.class), row.getColumn("n", Long.class));
                    return map;
                }));
    }

    static List<TopicPartition> partitions(Admin admin, String topic) throws ExecutionException, InterruptedException {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    static Map<TopicPartition, Long> endOffsets(Admin admin, List<TopicPartition> partitions)
            throws ExecutionException, InterruptedException {
        return offsets(admin, partitions, p -> OffsetSpec.latest());
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions,
                                                     Function<TopicPartition, OffsetSpec> spec)
            throws ExecutionException, InterruptedException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, spec)),
                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}
