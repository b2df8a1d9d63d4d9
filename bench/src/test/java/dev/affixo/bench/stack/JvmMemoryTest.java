package dev.affixo.bench.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JvmMemoryTest {

    @Test
    void sumsTheSpacesOfTheParallelCollector() {
        String heapInfo = """
                12345:
                 PSYoungGen      total 152576K, used 2621K [0x00000000f5580000, 0x0000000100000000, 0x0000000100000000)
                  eden space 131072K, 2% used [0x00000000f5580000,0x00000000f580f6e8,0x00000000fd580000)
                  from space 21504K, 0% used [0x00000000feb00000,0x00000000feb00000,0x0000000100000000)
                 ParOldGen       total 349696K, used 24957K [0x00000000e0000000, 0x00000000f5580000, 0x00000000f5580000)
                  object space 349696K, 7% used [0x00000000e0000000,0x00000000e185f4c8,0x00000000f5580000)
                 Metaspace       used 60000K, committed 60500K, reserved 1114112K
                  class space    used 8000K, committed 8200K, reserved 1048576K
                """;

        assertThat(JvmMemory.parseHeapUsedMb(heapInfo)).isEqualTo((2621 + 24957) / 1024.0);
    }

    @Test
    void readsG1AsOneSpace() {
        String heapInfo = " garbage-first heap   total 524288K, used 30720K [0x00000000e0000000, 0x0000000100000000)\n"
                + "  region size 1024K, 2 young (2048K), 0 survivors (0K)\n"
                + " Metaspace       used 50000K, committed 50500K, reserved 1114112K\n";

        assertThat(JvmMemory.parseHeapUsedMb(heapInfo)).isEqualTo(30.0);
    }
}
