package dev.affixo.e2e.roundtrip;

import java.text.Normalizer;
import java.util.List;

/**
 * The refs every test workspace gets an active link for, and near misses that must stay "not found". A ref is an
 * opaque identity: no case folding, trimming or Unicode normalization, so each near miss differs by exactly that.
 */
public final class SeededRefs {

    static final String CAFE_NFC = "caf\u00e9";

    public static final List<String> ACTIVE = List.of(
            "shoes",
            CAFE_NFC,
            "\u05e9\u05dc\u05d5\u05dd-\u0645\u0631\u062d\u0628\u0627",      // Hebrew and Arabic: right to left
            "\u202eevil\u202c",                                             // RTL override and pop
            "e\u0301\u0302\u0303-stacked",                                 // combining marks
            "\ud83d\ude00\ud83d\ude80",                                     // astral: two emoji
            "\ud835\udd18\ud835\udd2b\ud835\udd26",                         // astral: mathematical fraktur
            "quote\"back\\slash/solidus",                                  // JSON's must- and may-escape characters
            "tab\there\nnewline",                                          // C0 controls: text, escaped on the wire
            "c1\u0085\u009f-del\u007f",                                     // C1 controls and DEL: raw is legal JSON
            "\ufeffbom-\u2028\u2029",                                       // BOM, line and paragraph separators
            "nonchar\uffff\ufffe\udbff\udfff",                              // U+FFFF, U+FFFE, U+10FFFF
            " spaced ",
            "x".repeat(127),
            "y".repeat(128),
            "\ud83c\udf89".repeat(127),                                     // 127 code points, 254 UTF-16 units
            "\ud83c\udf88".repeat(128));                                    // 128 code points, 256 UTF-16 units

    /** Refs that are not links: close to active ones, or within the limit but never seeded. */
    public static final List<String> NEAR_MISSES = List.of(
            Normalizer.normalize(CAFE_NFC, Normalizer.Form.NFD),           // same text, other normalization
            "SHOES",
            "shoes ",
            "spaced",
            "\ud83d\ude00",
            "z".repeat(128));

    /** Over the limit: 129 code points, so 400 whatever the links are. */
    public static final List<String> TOO_LONG = List.of(
            "w".repeat(129),
            "\ud83c\udf88".repeat(129));

    private SeededRefs() {
    }
}
