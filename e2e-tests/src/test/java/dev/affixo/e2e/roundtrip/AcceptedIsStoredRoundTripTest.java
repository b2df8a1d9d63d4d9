package dev.affixo.e2e.roundtrip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.e2e.Pipeline;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.PipelineInfraExtension;
import dev.affixo.infra.process.ServiceProcess;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Issue 11, "A 200 is a promise": "accepted" and "storable" are the same set (openapi.yaml). Generated requests —
 * any Unicode, every escape, lengths at the limits in code points, nulls, missing and unknown members, repeated
 * members, wrong types, non-objects, unknown refs, Idempotency-Key retries and reuses — go through the real ingest
 * API and click processor (their jars, as processes) against real Kafka and PostgreSQL; some of them as items of
 * {@code POST /v1/track/clicks} batches (one request each, with per-item keys, retries and reuses inside the batch),
 * each item held to exactly what the single click would get. For each batch, every answer
 * must be the one an independent oracle of the spec gives, and the topic and {@code clicks} must hold exactly the
 * 200s, each with the values sent and the visitor replied; nothing may be dead-lettered.
 *
 * <p>jqwik runs this class (the JUnit Platform runs it beside Jupiter under surefire): one pipeline for the whole
 * class, {@value #TRIES} tries of {@value #BATCH} concurrent requests, each try in a fresh workspace. A failing batch
 * is shrunk (bounded by time) and the report names each request that broke the promise.
 */
class AcceptedIsStoredRoundTripTest {

    static final int TRIES = 13;
    /**
     * 70, not the 80 of before batches: a batch attempt is one request but several answers and rows, so 70 attempts
     * (about 77 requests with the second requests of key pairs) carry about as many clicks as 80 single ones did
     * (about 88), and the property costs what it did.
     */
    static final int BATCH = 70;

    private static Pipeline pipeline;
    private static ServiceProcess processor;
    private static RoundTrip roundTrip;

    @BeforeContainer
    static void startPipeline() throws Exception {
        PipelineInfra infra = PipelineInfraExtension.shared();
        pipeline = Pipeline.startApi(infra, "roundtrip");
        processor = pipeline.startProcessor("roundtrip-click-processor");
        roundTrip = new RoundTrip(infra, pipeline.api.baseUrl(), pipeline.topic, pipeline.deadLetterTopic,
                pipeline.applicationId);
    }

    @AfterContainer
    static void stopPipeline() throws Exception {
        if (roundTrip != null) {
            roundTrip.close();
        }
        if (processor != null) {
            processor.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    // No whole-batch edge cases: they are BATCH copies of one request, a try that tests almost nothing.
    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void everyAnswerIsTheSpecsAndEvery200IsExactlyOneRowAsSent(@ForAll("batches") List<Attempt> batch)
            throws InterruptedException {
        keepsThePromise(batch);
    }

    @Provide
    Arbitrary<List<Attempt>> batches() {
        return ClickArbitraries.batches(BATCH);
    }

    @Example
    void refusesNulInAFieldWith400() throws InterruptedException {
        ClickBody body = Bodies.object(Map.of(ClickField.REF, "\"shoes\"", ClickField.VISITOR_ID, "\"a\\u0000b\""));
        assertThat(oracle().expect(body)).hasToString("400 invalid_request [visitor_id]");
        keepsThePromise(List.of(new Attempt.Single(body)));
    }

    @Example
    void refusesLoneSurrogateWith400() throws InterruptedException {
        ClickBody body = Bodies.object(Map.of(ClickField.REF, "\"shoes\"", ClickField.REFERRER, "\"\\ud800\""));
        assertThat(oracle().expect(body)).hasToString("400 invalid_request [referrer]");
        keepsThePromise(List.of(new Attempt.Single(body)));
    }

    @Example
    void refusesRepeatedMemberAsInvalidJson() throws InterruptedException {
        // {"ref":"shoes","ref":"hats"}: which one counts would be the parser's whim, so neither does
        ClickBody body = Bodies.object(Map.of(ClickField.REF, "\"shoes\""))
                .withRepeat(new ClickBody.JsonObject.Repeat(0, JsonText.Form.RAW, "\"hats\""));
        assertThat(body.json()).isEqualTo("{\"ref\":\"shoes\",\"ref\":\"hats\"}");
        assertThat(oracle().expect(body)).hasToString("400 invalid_json");
        keepsThePromise(List.of(new Attempt.Single(body)));
    }

    @Example
    void storesVisitorIdOf128EmojiExactly() throws InterruptedException {
        ClickBody body = Bodies.object(Map.of(ClickField.REF, "\"shoes\"",
                ClickField.VISITOR_ID, "\"" + "\ud83d\ude00".repeat(128) + "\""));
        assertThat(oracle().expect(body)).hasToString("200 cookie");
        keepsThePromise(List.of(new Attempt.Single(body)));
    }

    @Example
    void refusesVisitorIdOf129Emoji() throws InterruptedException {
        ClickBody body = Bodies.object(Map.of(ClickField.REF, "\"shoes\"",
                ClickField.VISITOR_ID, "\"" + "\ud83d\ude00".repeat(129) + "\""));
        assertThat(oracle().expect(body)).hasToString("400 invalid_request [visitor_id]");
        keepsThePromise(List.of(new Attempt.Single(body)));
    }

    @Example
    void answersReusedIdempotencyKeyWith422AndKeepsTheFirstClick() throws InterruptedException {
        ClickBody first = Bodies.object(Map.of(ClickField.REF, "\"shoes\"", ClickField.VISITOR_ID, "\"first\""));
        ClickBody second = Bodies.object(Map.of(ClickField.REF, "\"shoes\"", ClickField.VISITOR_ID, "\"second\""));
        keepsThePromise(List.of(new Attempt.Reuse(first, second)));
    }

    @Example
    void answersRetryWithTheSameKeyIdenticallyAndStoresOneClick() throws InterruptedException {
        ClickBody body = Bodies.object(Map.of(ClickField.REF, "\"shoes\"", ClickField.REFERRER, "\"https://ref.example/\""));
        keepsThePromise(List.of(new Attempt.Retry(body)));
    }

    @Example
    void answersABatchSentTwiceItemByItemIdenticallyAndStoresItsKeyedItemsOnce() throws InterruptedException {
        ClickBody accepted = Bodies.object(Map.of(ClickField.REF, "\"shoes\"", ClickField.VISITOR_ID, "\"batch-a\""));
        ClickBody other = Bodies.object(Map.of(ClickField.REF, "\"shoes\"", ClickField.VISITOR_ID, "\"batch-b\""));
        ClickBody invalid = Bodies.object(Map.of(ClickField.REF, "\"shoes\"", ClickField.URL, "\"/relative\""));
        ClickBody unknown = Bodies.object(Map.of(ClickField.REF, "\"no-such-ref\""));
        keepsThePromise(List.of(new Attempt.Batched(List.of(
                new Attempt.Batched.Item(accepted, 0), new Attempt.Batched.Item(accepted, 0),
                new Attempt.Batched.Item(invalid, null), new Attempt.Batched.Item(unknown, 1),
                new Attempt.Batched.Item(new ClickBody.NotAnObject("[]"), null),
                new Attempt.Batched.Item(other, 2), new Attempt.Batched.Item(accepted, 2)), true)));
    }

    @Example
    void acceptsBodyOfExactly16KiBAndRefusesOneByteMoreWith413() throws InterruptedException {
        ClickBody atLimit = padded(ClickOracle.MAX_BODY_BYTES);
        ClickBody overLimit = padded(ClickOracle.MAX_BODY_BYTES + 1);
        assertThat(oracle().expect(atLimit)).hasToString("200 new");
        assertThat(oracle().expect(overLimit)).hasToString("413 payload_too_large");
        keepsThePromise(List.of(new Attempt.Single(atLimit), new Attempt.Single(overLimit)));
    }

    /**
     * {"ref":"shoes","padding":"ééé…"} of exactly {@code bytes} UTF-8 bytes: the limit counts bytes, and é is two
     * of them (an odd total ends in "a"). The padding is an unknown member, so no field limit applies.
     */
    private static ClickBody padded(int bytes) {
        int frame = "{\"ref\":\"shoes\",\"padding\":\"\"}".length();
        String padding = "\u00e9".repeat((bytes - frame) / 2) + ((bytes - frame) % 2 == 1 ? "a" : "");
        ClickBody.JsonObject shoes = Bodies.object(Map.of(ClickField.REF, "\"shoes\""));
        ClickBody body = new ClickBody.JsonObject(shoes.fields(), shoes.names(),
                List.of(new Member(JsonText.of("padding", JsonText.Form.RAW), "\"" + padding + "\"")), null, 0, "");
        assertThat(body.json().getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
        return body;
    }

    private static void keepsThePromise(List<Attempt> batch) throws InterruptedException {
        List<String> failures = roundTrip.run(batch);
        if (!failures.isEmpty()) {
            throw new AssertionError(RoundTrip.report(failures));
        }
    }

    private static ClickOracle oracle() {
        return new ClickOracle(new HashSet<>(SeededRefs.ACTIVE));
    }
}
