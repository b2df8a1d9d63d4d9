package dev.affixo.ingest.click;

import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.origin.VisitorOrigins;
import tools.jackson.databind.JsonNode;

/**
 * A parsed body of {@code POST /v1/track/clicks}, {@code {"clicks":[ <item>, … ]}}: 1 to {@value #MAX_ITEMS}
 * items, each the body of a single click plus an optional {@code idempotency_key}. What makes the request as a
 * whole unreadable (not JSON, not an object, no {@code clicks} array, too few or too many items) is thrown as
 * the request's error; what is wrong with one item is kept with that item, so the other items go on.
 */
record ClickBatch(Item[] items) {

    static final int MAX_ITEMS = 500;
    static final String CLICKS = "clicks";

    /**
     * One item: the click and its key when the item is valid, else the error it is answered with.
     *
     * @param invalid null when the item is a valid click
     */
    record Item(ClickRequest click, String idempotencyKey, ApiException invalid) {
    }

    /**
     * @throws ApiException {@code invalid_json} as for a single click's body (a member name given twice
     *                      anywhere in the body included), {@code invalid_request} when {@code clicks} is not an
     *                      array of 1 to {@value #MAX_ITEMS} items
     */
    static ClickBatch parse(byte[] body, VisitorOrigins origins) {
        JsonNode clicks = ClickRequestParser.readObject(body).get(CLICKS);
        if (clicks == null || !clicks.isArray()) {
            throw ApiException.invalidRequest(CLICKS, "must be an array of 1 to " + MAX_ITEMS + " clicks");
        }
        if (clicks.isEmpty() || clicks.size() > MAX_ITEMS) {
            throw ApiException.invalidRequest(CLICKS, "must hold 1 to " + MAX_ITEMS + " clicks, not " + clicks.size());
        }
        Item[] items = new Item[clicks.size()];
        for (int i = 0; i < items.length; i++) {
            items[i] = item(clicks.get(i), origins);
        }
        return new ClickBatch(items);
    }

    private static Item item(JsonNode node, VisitorOrigins origins) {
        if (!node.isObject()) {
            return new Item(null, null, ApiException.invalidRequest("click", "must be a JSON object"));
        }
        try {
            return new Item(ClickRequestParser.fromObject(node, origins), ClickRequestParser.itemIdempotencyKey(node), null);
        } catch (ApiException invalid) {
            return new Item(null, null, invalid);
        }
    }

    int size() {
        return items.length;
    }
}
