package dev.affixo.e2e.roundtrip;

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
}
