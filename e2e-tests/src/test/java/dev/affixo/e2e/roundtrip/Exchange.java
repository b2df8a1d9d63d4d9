package dev.affixo.e2e.roundtrip;

/** One request of a batch: what was sent, what the oracle expects, what came back. */
record Exchange(String label, ClickBody body, String idempotencyKey, Expected expected, ClickClient.Reply reply) {

    String describe() {
        return label + (idempotencyKey != null ? " [Idempotency-Key " + idempotencyKey + "]" : "") + " body " + body;
    }
}
