package dev.affixo.processor.erasure;

import java.util.List;

/**
 * The one list of {@code clicks} columns an erasure sets to null (SPEC §7.4: fingerprint, url, referrer,
 * user_agent, ip_prefix, ip_hash). The visitor ids are not here: they become the erasure's token instead, so the
 * person's rows stay countable as one visitor. Counts, labels, link, classification and every derived column stay.
 *
 * <p>Used by {@link ErasureApplier} for the rows already in PostgreSQL. The sink's side, for rows written later,
 * is {@link ErasedIdentities#erase}, which nulls the same values on the event (user agent, IP prefix and IP hash
 * included, on its {@code ClickOrigin}), so once the columns exist the sink binds nulls for them unchanged.
 *
 * <p>A test ({@code ErasureIT.everyNullableTextColumnOfClicksIsErasedOrDeliberatelyKept}) fails until every nullable text
 * column of {@code clicks} is either here or in that test's list of columns kept on purpose (country, traffic,
 * bot_reason, device_class, agent_name go there: labels, not identifiers).
 */
public final class ErasedColumns {

    public static final List<String> NULLED = List.of("fingerprint", "url", "referrer", "user_agent", "ip_prefix",
            "ip_hash");

    private ErasedColumns() {
    }

    /** {@code fingerprint = null, url = null, …} for an {@code update … set}; built from constants only. */
    static String setNull() {
        return String.join(", ", NULLED.stream().map(c -> c + " = null").toList());
    }
}
