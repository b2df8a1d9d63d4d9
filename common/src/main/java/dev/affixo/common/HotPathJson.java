package dev.affixo.common;

import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link JsonMapper} builder for code that runs once per click on a few long-lived threads (the API's event loops,
 * the processor's stream threads): its parsers and generators borrow their buffers from a per-thread pool. Jackson
 * 3's default pool is one lock-free deque shared by every thread, which showed as 1.5 % of the API's CPU under load
 * (a CAS to take a buffer and one to give it back, on every parser and generator).
 */
public final class HotPathJson {

    private HotPathJson() {
    }

    public static JsonMapper.Builder mapper() {
        return JsonMapper.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool()).build());
    }
}
