package dev.affixo.bench.state;

import static dev.affixo.bench.run.RunContext.deleteRecursively;
import static dev.affixo.bench.run.RunContext.requireJar;
import static dev.affixo.bench.run.RunContext.say;

import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.process.ServiceProcess.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Phase {@code state} (on request, issue 12): processor state and poll gaps under 5 M new visitors. */
public final class StatePhase {

    private final RunContext ctx;
    private final BenchSettings s;
    private final Results results;

    public StatePhase(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
        this.results = ctx.results();
    }

    /** Issue 12: state on disk, longest poll gap and rows/s while 5 M clicks of new visitors pass through. */
    public void run() throws Exception {
        StateGrowth growth = new StateGrowth(ctx.pg().dataSource(), ctx.kafkaLoad(), ctx.seed().workspaceId(), ctx.seed().backlogKeyId(),
                ctx.seed().links());
        for (BenchSettings.ProcessorJar jar : s.processorJars()) {
            requireJar(jar.jar());
            String key = jar.key("state");
            ctx.emptySinkTables();   // each jar meets the same empty tables
            Path stateDir = Files.createTempDirectory("affixo-bench-state-");
            ctx.cleanup().register(() -> deleteRecursively(stateDir));
            say("state" + (jar.label().isEmpty() ? "" : " (" + jar.label() + ")") + ": " + s.stateClicks()
                    + " clicks of new visitors through " + jar.jar());
            StateGrowth.Result r = growth.run("bench.state" + (jar.label().isEmpty() ? "" : "." + jar.label()),
                    s.stateClicks(), stateDir, topic -> {
                        Map<String, String> env = ctx.serviceEnv(topic, topic + ".dead-letter", "bench-" + key);
                        env.put("SPRING_KAFKA_STREAMS_PROPERTIES_STATE_DIR", stateDir.toString());
                        return ctx.cleanup().register(ServiceProcess.start("click-processor-" + key, s.serviceJvmFlags(),
                                List.of("-jar", jar.jar().toString()), Ports.freeManagementOnly(), env, s.logDir()));
                    }, s.stateTimeout(), RunContext::say);
            results.put(key + ".clicks", r.clicks());
            results.put(key + ".rows", r.rows());
            results.put(key + ".complete", r.complete());
            results.put(key + ".seconds", r.seconds());
            results.put(key + ".rps", r.rps());
            results.put(key + ".max_poll_gap_ms", r.maxPollGapMs());
            results.put(key + ".start_poll_gap_ms", r.startPollGapMs());
            results.put(key + ".max_state_mb", r.maxStateBytes() / 1e6);
            results.put(key + ".final_state_mb", r.finalStateBytes() / 1e6);
            results.put(key + ".rss_mb", r.rssMb());
            results.row(new Row("state: " + r.clicks() + " new visitors" + (jar.label().isEmpty() ? "" : " (" + jar.label() + ")"),
                    r.rps(), Double.NaN, Double.NaN, Double.NaN, -1, String.format(Locale.ROOT,
                            "state max %.1f MB, end %.1f MB; longest poll gap %.0f ms (at start %.0f ms); RSS %.0f MB%s",
                            r.maxStateBytes() / 1e6, r.finalStateBytes() / 1e6, r.maxPollGapMs(), r.startPollGapMs(),
                            r.rssMb(),
                            r.complete() ? "" : "; INCOMPLETE: " + r.rows() + " rows")));
            if (!r.complete()) {
                ctx.failures().add(key + ": " + r.rows() + " of " + r.clicks() + " rows within " + s.stateTimeout());
            }
        }
    }
}
