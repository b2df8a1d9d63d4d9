package dev.affixo.e2e.roundtrip;

import java.util.List;

/**
 * One element of a generated batch: a request, or a pair of requests under one {@code Idempotency-Key} (the test
 * picks a key unique to the pair and sends the second only after the first was answered).
 */
public sealed interface Attempt {

    /** One request without an Idempotency-Key. */
    record Single(ClickBody body) implements Attempt {
    }

    /** The same body twice with the same key: a client's retry; one click, the identical 200 body twice. */
    record Retry(ClickBody body) implements Attempt {
    }

    /** Two bodies that differ in meaning under one key: the second is 422 and the first click stays as it was. */
    record Reuse(ClickBody first, ClickBody second) implements Attempt {
    }

    /**
     * Items sent together in one {@code POST /v1/track/clicks}, each answered as the single click would be. Items
     * that share a {@code keyGroup} carry one {@code idempotency_key}: within the batch, the same body again is a
     * retry (the identical result) and another body is {@code idempotency_key_reused}. {@code sentTwice}: the same
     * batch again once the first was answered, as a client retries a batch whose answer it lost — every keyed item
     * is then the same click again (identical result, one row), every unkeyed one a new click.
     */
    record Batched(List<Item> items, boolean sentTwice) implements Attempt {

        public Batched(List<Item> items) {
            this(items, false);
        }

        /** @param keyGroup null: no {@code idempotency_key}; else the items of one group share one key */
        public record Item(ClickBody body, Integer keyGroup) {
        }
    }
}
