package dev.affixo.infra.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceProcessTest {

    @Test
    void aStopWhoseWaitIsInterruptedStillKillsTheProcess() throws Exception {
        Path logs = Files.createTempDirectory("service-process-test");
        ServiceProcess stubborn = ServiceProcess.start("stubborn", List.of(),
                List.of("-cp", System.getProperty("java.class.path"), StubbornProcess.class.getName()),
                ServiceProcess.Ports.managementOnly(1), Map.of(), logs);
        try {
            long ready = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!stubborn.tail(5).contains("hook installed") && System.nanoTime() < ready) {
                Thread.sleep(20);
            }
            assertThat(stubborn.tail(5)).contains("hook installed");
            stubborn.requestStop();   // SIGTERM: its shutdown hook keeps it alive for a minute
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> stubborn.awaitStopped(Duration.ofSeconds(30)))
                    .isInstanceOf(InterruptedException.class);

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (stubborn.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(stubborn.isAlive()).as("SIGKILLed when the wait was cut short").isFalse();
        } finally {
            stubborn.kill();
        }
    }
}
