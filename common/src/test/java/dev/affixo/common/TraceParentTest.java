package dev.affixo.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceParentTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    @Test
    void readsTheSampledFlagOfAWellFormedHeader() {
        assertThat(TraceParent.read("00-" + TRACE + "-" + SPAN + "-01")).isEqualTo(TraceParent.SAMPLED);
        assertThat(TraceParent.read("00-" + TRACE + "-" + SPAN + "-00")).isEqualTo(TraceParent.NOT_SAMPLED);
        // other flag bits do not matter, only bit 0
        assertThat(TraceParent.read("00-" + TRACE + "-" + SPAN + "-03")).isEqualTo(TraceParent.SAMPLED);
        assertThat(TraceParent.read("00-" + TRACE + "-" + SPAN + "-02")).isEqualTo(TraceParent.NOT_SAMPLED);
        // a later version may carry more fields after a dash
        assertThat(TraceParent.read("01-" + TRACE + "-" + SPAN + "-01-extra")).isEqualTo(TraceParent.SAMPLED);
    }

    @Test
    void anythingElseIsInvalid() {
        for (String bad : new String[] {
                null, "", "00-" + TRACE + "-" + SPAN + "-0", "00-" + TRACE + "-" + SPAN + "-01-extra",
                "ff-" + TRACE + "-" + SPAN + "-01", "00-" + TRACE.toUpperCase() + "-" + SPAN + "-01",
                "00-" + "0".repeat(32) + "-" + SPAN + "-01", "00-" + TRACE + "-" + "0".repeat(16) + "-01",
                "00_" + TRACE + "-" + SPAN + "-01", "00-" + TRACE + "-" + SPAN + "-0g",
                "01-" + TRACE + "-" + SPAN + "-01x"}) {
            assertThat(TraceParent.read(bad)).as(String.valueOf(bad)).isEqualTo(TraceParent.INVALID);
        }
    }
}
