package dev.affixo.processor;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.common.Ids;
import dev.affixo.common.MatchMethod;
import java.time.Instant;

/** Click events as the ingest API would publish them. */
public final class Clicks {

    public static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private Clicks() {
    }

    /** The caller sent its cookie. */
    public static ClickEvent cookie(long ws, String visitor, String fingerprint, long link, Instant at) {
        return click(ws, visitor, MatchMethod.COOKIE, 1.0, fingerprint, link, at);
    }

    /** Only a fingerprint: the API derived the visitor id from (workspace, fingerprint). */
    public static ClickEvent fingerprint(long ws, String fingerprint, long link, Instant at) {
        String derived = Ids.nameBased("visitor", Long.toString(ws), fingerprint).toString();
        return click(ws, derived, MatchMethod.FINGERPRINT, 0.8, fingerprint, link, at);
    }

    /** Nothing identified the visitor: a new id was minted. */
    public static ClickEvent anonymous(long ws, long link, Instant at) {
        return click(ws, Ids.newTimeOrdered().toString(), MatchMethod.NEW, 0.0, null, link, at);
    }

    public static ClickEvent click(long ws, String visitor, MatchMethod method, double confidence, String fingerprint,
            long link, Instant at) {
        return new ClickEvent(Ids.newTimeOrdered().toString(), ws, link, 100 + link, null, "ref-" + link, visitor,
                method, confidence, fingerprint, "https://shop.example/p", "https://blog.example/", 7, null, at);
    }

    public static byte[] bytes(ClickEvent event) {
        return ClickEventCodec.encode(event);
    }
}
