package dev.affixo.e2e.roundtrip;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.seed.TestData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends one batch of generated attempts through the running API and processor, concurrently, into a fresh
 * workspace, and checks the promise of the contract on it: every answer is the oracle's; the records on the
 * accepted-clicks topic and the rows in {@code clicks} are exactly the 200s, each with the values the client sent
 * and the visitor the API replied; nothing was dead-lettered. Returns what is wrong, empty when nothing is.
 */
public final class RoundTrip implements AutoCloseable {

    /** After the processor committed past the batch, the time rows get to reach PostgreSQL (repartition hop). */
    private static final Duration ROW_GRACE = Duration.ofSeconds(3);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_REPORTED = 12;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PipelineInfra infra;
    private final String apiBaseUrl;
    private final TopicTail accepted;
    private final TopicTail deadLetters;
    private final ProcessorProgress progress;
    private final ClickRows rows;

    public RoundTrip(PipelineInfra infra, String apiBaseUrl, String topic, String deadLetterTopic,
                     String applicationId) {
        this.infra = infra;
        this.apiBaseUrl = apiBaseUrl;
        this.accepted = new TopicTail(infra.bootstrapServers(), topic, false);
        this.deadLetters = new TopicTail(infra.bootstrapServers(), deadLetterTopic, true);
        this.progress = new ProcessorProgress(infra.bootstrapServers(), applicationId);
        this.rows = new ClickRows(new TestData(infra.dataSource()).jdbi());
    }

    /** Runs the batch; the list of everything that broke the promise, empty when the batch kept it. */
    public List<String> run(List<Attempt> batch) throws InterruptedException {
        long start = System.nanoTime();
        TestData.Workspace workspace = workspaceWithSeededLinks();
        // far above any batch: the rate limit (check 3) is not what this test is about
        ClickClient client = new ClickClient(apiBaseUrl, workspace.key(100_000, "track"));
        ClickOracle oracle = new ClickOracle(new HashSet<>(SeededRefs.ACTIVE));
        Map<TopicPartition, Long> topicMark = accepted.mark();
        Map<TopicPartition, Long> deadLetterMark = deadLetters.mark();

        List<List<Exchange>> attempts = send(batch, client, oracle, "ws" + workspace.id);
        List<String> failures = new ArrayList<>();
        List<StoredClick> expected = new ArrayList<>();
        int acceptedClicks = 0;
        for (List<Exchange> exchanges : attempts) {
            exchanges.forEach(exchange -> failures.addAll(checkReply(exchange)));
            Exchange first = exchanges.get(0);
            if (first.expected().status() == 200 && first.reply().status() == 200) {
                Expected.Accepted values = first.expected().accepted();
                expected.add(new StoredClick(values.ref(), field(first.reply().body(), "visitor_id"),
                        values.fingerprint(), values.url(), values.referrer(), first.idempotencyKey()));
            }
            if (exchanges.stream().anyMatch(e -> e.reply().status() == 200)) {
                acceptedClicks++; // a retry or a reused key is one event id, so one click at most
            }
            for (Exchange again : exchanges.subList(1, exchanges.size())) {
                if (first.body().equals(again.body())) {
                    failures.addAll(checkRetry(first, again));
                }
            }
        }

        awaitProcessor(accepted.mark(), workspace.id, acceptedClicks);
        Map<String, List<StoredClick>> published = published(accepted.since(topicMark), workspace.id, failures);
        Map<String, StoredClick> stored = rows.of(workspace.id);
        failures.addAll(compare("on the accepted-clicks topic", expected, firstOfEach(published, failures)));
        failures.addAll(compare("in clicks", expected, stored.values()));
        if (!stored.keySet().equals(published.keySet())) {
            failures.add("event ids in clicks " + stored.keySet() + " differ from those on the topic " + published.keySet());
        }
        failures.addAll(deadLettered(deadLetters.since(deadLetterMark), workspace.id));
        System.out.println("[round trip] workspace " + workspace.id + ": " + summary(attempts) + "; "
                + stored.size() + " rows, " + failures.size() + " failures, "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
        return failures;
    }

    /** A fresh workspace per batch: its rows, records and Idempotency-Keys are this batch's and no other's. */
    private TestData.Workspace workspaceWithSeededLinks() {
        TestData data = new TestData(infra.dataSource());
        TestData.Workspace workspace = data.workspace();
        // one transaction for all links: a connection per link would cost more than the batch itself
        data.jdbi().useTransaction(h -> {
            for (String ref : SeededRefs.ACTIVE) {
                h.createUpdate("""
                                insert into links (workspace_id, affiliate_id, campaign_id, ref)
                                values (:ws, :affiliate, :campaign, :ref)""")
                        .bind("ws", workspace.id).bind("affiliate", workspace.affiliateId)
                        .bind("campaign", workspace.campaignId).bind("ref", ref).execute();
            }
        });
        return workspace;
    }

    /**
     * Every attempt at once; the answers grouped by click: a single request alone, the two requests of a key pair
     * together, and each item of a batch alone or with the items that share its key.
     */
    private static List<List<Exchange>> send(List<Attempt> batch, ClickClient client, ClickOracle oracle, String tag) {
        List<CompletableFuture<List<List<Exchange>>>> inFlight = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            String label = "#" + i;
            String key = "roundtrip-" + tag + "-" + i;
            Attempt attempt = batch.get(i);
            if (attempt instanceof Attempt.Single single) {
                inFlight.add(client.send(single.body(), null).thenApply(reply ->
                        List.of(List.of(new Exchange(label, single.body(), null, oracle.expect(single.body()), reply)))));
            } else if (attempt instanceof Attempt.Retry retry) {
                Expected first = oracle.expect(retry.body());
                inFlight.add(client.send(retry.body(), key).thenCompose(reply1 -> client.send(retry.body(), key)
                        .thenApply(reply2 -> List.of(List.of(new Exchange(label, retry.body(), key, first, reply1),
                                new Exchange(label + " (retry)", retry.body(), key, first, reply2))))));
            } else if (attempt instanceof Attempt.Reuse reuse) {
                Expected first = oracle.expect(reuse.first());
                // the contract: the key already belongs to an accepted click that means something else
                Expected second = first.status() == 200
                        ? Expected.error(422, "idempotency_key_reused") : oracle.expect(reuse.second());
                inFlight.add(client.send(reuse.first(), key).thenCompose(reply1 -> client.send(reuse.second(), key)
                        .thenApply(reply2 -> List.of(List.of(new Exchange(label, reuse.first(), key, first, reply1),
                                new Exchange(label + " (same key, other body)", reuse.second(), key, second,
                                        reply2))))));
            } else if (attempt instanceof Attempt.Batched batched) {
                inFlight.add(sendBatch(batched, client, oracle, label, key));
            }
        }
        return inFlight.stream().map(CompletableFuture::join).flatMap(List::stream).toList();
    }

    /**
     * One {@code POST /v1/track/clicks}: each item becomes an exchange of its own, answered with the item's result
     * as if it were a single click's answer (status from its error code), so every check of a single click applies
     * to it unchanged. The oracle's answer for an item is the single click's, except that an item whose key an
     * earlier accepted item of the batch holds with another meaning is {@code idempotency_key_reused}.
     */
    private static CompletableFuture<List<List<Exchange>>> sendBatch(Attempt.Batched batched, ClickClient client,
                                                                     ClickOracle oracle, String label, String key) {
        List<Attempt.Batched.Item> items = batched.items();
        List<String> texts = new ArrayList<>();
        List<Expected> expected = new ArrayList<>();
        Map<Integer, Expected.Accepted> bound = new HashMap<>();
        for (Attempt.Batched.Item item : items) {
            String itemKey = item.keyGroup() == null ? null : key + "-" + item.keyGroup();
            texts.add(itemKey == null ? item.body().json() : withIdempotencyKey((ClickBody.JsonObject) item.body(), itemKey));
            Expected e = oracle.expectItem(item.body());
            if (itemKey != null && e.status() == 200) {
                Expected.Accepted holder = bound.putIfAbsent(item.keyGroup(), e.accepted());
                if (holder != null && !holder.equals(e.accepted())) {
                    e = Expected.error(422, "idempotency_key_reused");
                }
            }
            expected.add(e);
        }
        CompletableFuture<ClickClient.Reply> first = client.sendBatch(texts);
        CompletableFuture<List<ClickClient.Reply>> both = !batched.sentTwice() ? first.thenApply(List::of)
                : first.thenCompose(reply1 -> client.sendBatch(texts).thenApply(reply2 -> List.of(reply1, reply2)));
        return both.thenApply(replies -> {
            // a keyed item is one click however often it is sent; an unkeyed one is a new click each time
            Map<Object, List<Exchange>> groups = new LinkedHashMap<>();
            for (int send = 0; send < replies.size(); send++) {
                List<ClickClient.Reply> results = itemReplies(replies.get(send), items.size());
                for (int j = 0; j < items.size(); j++) {
                    Attempt.Batched.Item item = items.get(j);
                    String itemKey = item.keyGroup() == null ? null : key + "-" + item.keyGroup();
                    Exchange exchange = new Exchange(label + (send == 0 ? "" : " (sent again)") + " item " + j
                            + " of a batch of " + items.size(), item.body(), itemKey, expected.get(j), results.get(j));
                    groups.computeIfAbsent(item.keyGroup() == null ? send + "/" + j : "key" + item.keyGroup(),
                            g -> new ArrayList<>()).add(exchange);
                }
            }
            return List.copyOf(groups.values());
        });
    }

    /** The item's text with {@code idempotency_key} as one more member (never the name of another member). */
    private static String withIdempotencyKey(ClickBody.JsonObject item, String idempotencyKey) {
        List<Member> extras = new ArrayList<>(item.extras());
        extras.add(new Member(JsonText.of("idempotency_key", JsonText.Form.RAW), "\"" + idempotencyKey + "\""));
        return new ClickBody.JsonObject(item.fields(), item.names(), extras, null, item.orderSeed(), item.space()).json();
    }

    /**
     * The batch answer's results as single-click answers: {@code ok:true} is a 200, {@code ok:false} the status its
     * error code has for a single click. Anything else — the batch not answered 200, a result missing — is a reply
     * no item expects, naming what came back.
     */
    private static List<ClickClient.Reply> itemReplies(ClickClient.Reply reply, int count) {
        List<ClickClient.Reply> replies = new ArrayList<>();
        JsonNode results = null;
        if (reply.status() == 200) {
            try {
                results = JSON.readTree(reply.body()).get("results");
            } catch (RuntimeException e) {
                // reported below as an answer no item expects
            }
        }
        for (int j = 0; j < count; j++) {
            JsonNode result = results != null && results.isArray() && results.size() == count ? results.get(j) : null;
            if (result == null) {
                replies.add(new ClickClient.Reply(-2, "batch answered " + reply.status() + ": " + reply.body()));
            } else {
                int status = result.path("ok").asBoolean(false) ? 200 : switch (result.path("error").asString("")) {
                    case "invalid_request" -> 400;
                    case "link_not_found" -> 404;
                    case "idempotency_key_reused" -> 422;
                    case "unavailable" -> 503;
                    default -> -3;
                };
                replies.add(new ClickClient.Reply(status, result.toString()));
            }
        }
        return replies;
    }

    /** Status, error code and detail field as the oracle says; for a 200, the visitor assignment of the contract. */
    private static List<String> checkReply(Exchange exchange) {
        Expected expected = exchange.expected();
        ClickClient.Reply reply = exchange.reply();
        String got = reply.status() + " " + Readable.of(reply.body());
        if (reply.status() != expected.status()) {
            return List.of(exchange.describe() + ": expected " + expected + ", got " + got);
        }
        JsonNode body;
        try {
            body = JSON.readTree(reply.body());
        } catch (RuntimeException e) {
            return List.of(exchange.describe() + ": reply is not JSON: " + got);
        }
        List<String> wrong = new ArrayList<>();
        if (expected.status() == 200) {
            String visitor = text(body, "visitor_id");
            if (!body.path("ok").asBoolean(false) || visitor == null || visitor.isEmpty()) {
                wrong.add("no ok/visitor_id");
            }
            if (!expected.matchMethod().equals(text(body, "match_method"))) {
                wrong.add("match_method is not " + expected.matchMethod());
            }
            JsonNode confidence = body.get("match_confidence");
            if (confidence == null || !confidence.isNumber() || confidence.doubleValue() != expected.matchConfidence()) {
                wrong.add("match_confidence is not " + expected.matchConfidence());
            }
            String given = expected.accepted().visitorId();
            if (given != null && !given.equals(visitor)) {
                wrong.add("visitor_id is not the one sent, " + Readable.of(given));
            }
        } else {
            if (!expected.error().equals(text(body, "error"))) {
                wrong.add("error is not " + expected.error());
            }
            String detail = text(body, "detail");
            if (!expected.detailFields().isEmpty()
                    && (detail == null || expected.detailFields().stream().noneMatch(f -> detail.startsWith(f + ": ")))) {
                wrong.add("detail does not name one of " + expected.detailFields());
            }
        }
        return wrong.isEmpty() ? List.of() : List.of(exchange.describe() + ": " + String.join(", ", wrong) + "; got " + got);
    }

    /** the contract: a retried request with the same key gets the identical 200 body. */
    private static List<String> checkRetry(Exchange first, Exchange retry) {
        if (first.reply().status() == 200 && retry.reply().status() == 200
                && !first.reply().body().equals(retry.reply().body())) {
            return List.of(retry.describe() + ": retry answered " + Readable.of(retry.reply().body())
                    + " but the first request " + Readable.of(first.reply().body()));
        }
        return List.of();
    }

    /**
     * Waits until the processor has committed past every record of the batch and the accepted clicks have rows;
     * under exactly-once, committed input means processed, and a click that will never have a row (dead-lettered,
     * lost) shows as missing once the grace after that commit is over.
     */
    private void awaitProcessor(Map<TopicPartition, Long> ends, long workspaceId, int acceptedClicks)
            throws InterruptedException {
        long deadline = System.nanoTime() + COMMIT_TIMEOUT.toNanos();
        while (!progress.hasCommitted(ends)) {
            if (System.nanoTime() > deadline) {
                return; // the comparison below reports what is missing
            }
            Thread.sleep(100);
        }
        long graceEnd = System.nanoTime() + ROW_GRACE.toNanos();
        while (rows.count(workspaceId) < acceptedClicks && System.nanoTime() < graceEnd) {
            Thread.sleep(100);
        }
    }

    /**
     * The workspace's records on the accepted-clicks topic, by event id, each event's records in the order they
     * were published (a retry may be published twice, and two bodies under one key go to two partitions when
     * their record keys differ, so partition order says nothing).
     */
    private static Map<String, List<StoredClick>> published(List<ConsumerRecord<byte[], byte[]>> records, long workspaceId,
                                                            List<String> failures) {
        Map<String, List<StoredClick>> byEvent = new LinkedHashMap<>();
        List<ConsumerRecord<byte[], byte[]>> inPublishOrder = new ArrayList<>(records);
        inPublishOrder.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
        for (ConsumerRecord<byte[], byte[]> record : inPublishOrder) {
            ClickEvent event;
            try {
                event = ClickEventCodec.decode(record.value());
            } catch (RuntimeException e) {
                failures.add("unreadable record on the accepted-clicks topic (" + e.getMessage() + "): "
                        + Readable.of(new String(record.value(), StandardCharsets.UTF_8)));
                continue;
            }
            if (event.workspaceId() == workspaceId) {
                byEvent.computeIfAbsent(event.eventId(), id -> new ArrayList<>()).add(new StoredClick(event.ref(),
                        event.visitorId(), event.fingerprint(), event.url(), event.referrer(), event.idempotencyKey()));
            }
        }
        return byEvent;
    }

    /**
     * One click per event id, the first published; an event id published with two different contents is itself
     * a failure.
     */
    private static List<StoredClick> firstOfEach(Map<String, List<StoredClick>> published, List<String> failures) {
        List<StoredClick> clicks = new ArrayList<>();
        published.forEach((eventId, versions) -> {
            if (new HashSet<>(versions).size() > 1) {
                failures.add("event " + eventId + " published with different contents: " + versions);
            }
            clicks.add(versions.get(0));
        });
        return clicks;
    }

    /** Multiset equality, reported as what is missing and what should not be there. */
    private static List<String> compare(String where, List<StoredClick> expected, Collection<StoredClick> actual) {
        Map<StoredClick, Integer> balance = new HashMap<>();
        expected.forEach(click -> balance.merge(click, 1, Integer::sum));
        actual.forEach(click -> balance.merge(click, -1, Integer::sum));
        List<String> failures = new ArrayList<>();
        balance.forEach((click, count) -> {
            if (count > 0) {
                failures.add("missing " + where + " (" + count + "x): " + click);
            } else if (count < 0) {
                failures.add("not a 200, or not what was sent, yet " + where + " (" + -count + "x): " + click);
            }
        });
        return failures;
    }

    /** the contract: a click the API accepted never reaches the dead-letter topic; a refused one never gets there. */
    private static List<String> deadLettered(List<ConsumerRecord<byte[], byte[]>> records, long workspaceId) {
        List<String> failures = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String value = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
            Long workspace = null;
            try {
                JsonNode node = JSON.readTree(value);
                workspace = node.path("workspace_id").isIntegralNumber() ? node.path("workspace_id").longValue() : null;
            } catch (RuntimeException e) {
                // unattributable: only this batch's traffic is running, so it counts against it
            }
            if (workspace == null || workspace == workspaceId) {
                Map<String, String> headers = new TreeMap<>();
                for (Header header : record.headers()) {
                    headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
                }
                failures.add("dead-lettered " + headers + ": " + Readable.of(value));
            }
        }
        return failures;
    }

    private static String summary(List<List<Exchange>> attempts) {
        Map<String, Integer> byOutcome = new TreeMap<>();
        attempts.stream().flatMap(List::stream)
                .forEach(e -> byOutcome.merge(e.expected().toString().replaceAll(" \\[.*", ""), 1, Integer::sum));
        return attempts.stream().mapToInt(List::size).sum() + " answers (batch items counted one by one), expected "
                + byOutcome;
    }

    private static String field(String json, String name) {
        return text(JSON.readTree(json), name);
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isString() ? value.stringValue() : null;
    }

    /** Formats a failure list for an assertion message: the first few, and how many there were. */
    public static String report(List<String> failures) {
        StringBuilder out = new StringBuilder(failures.size() + " failures:");
        failures.stream().limit(MAX_REPORTED).forEach(f -> out.append("\n  - ").append(f));
        if (failures.size() > MAX_REPORTED) {
            out.append("\n  … and ").append(failures.size() - MAX_REPORTED).append(" more");
        }
        return out.toString();
    }

    @Override
    public void close() {
        accepted.close();
        deadLetters.close();
        progress.close();
    }
}
