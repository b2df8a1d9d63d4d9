package dev.affixo.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchMainTest {

    private static final List<String> JVM = List.of("-Xmx1g", "-XX:+UseParallelGC");

    @Test
    void partTwoRunsAsPartOneDidWithPartTwo() {
        String command = BenchMain.partTwoCommand(JVM, "bench/target/affixo-bench.jar",
                new String[] {"--service-jvm-flags", "-Xms512m -Xmx512m", "--root", "."}, null);

        assertThat(command).isEqualTo("java -Xmx1g -XX:+UseParallelGC -jar bench/target/affixo-bench.jar"
                + " --service-jvm-flags '-Xms512m -Xmx512m' --root . --part 2");
    }

    @Test
    void partTwoWritesBesideAnExplicitOutputOfPartOneAndReadsItBack() {
        String command = BenchMain.partTwoCommand(JVM, "affixo-bench.jar",
                new String[] {"--part", "1", "--out", "/tmp/r/one.json"}, Path.of("/tmp/r/one.json"));

        assertThat(command).isEqualTo("java -Xmx1g -XX:+UseParallelGC -jar affixo-bench.jar --part 2"
                + " --out /tmp/r/results-part2.json --part1-results /tmp/r/one.json");
    }
}
