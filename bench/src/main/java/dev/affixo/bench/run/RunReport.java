package dev.affixo.bench.run;

import static dev.affixo.bench.run.RunContext.fmt;

import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.report.Results.Target;
import dev.affixo.bench.stack.BrokerProcess;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The report's header (the machine, the flags, the generator), the targets, and the table and JSON files. */
final class RunReport {

    private final RunContext ctx;
    private final BenchSettings settings;
    private final Results results;

    RunReport(RunContext ctx) {
        this.ctx = ctx;
        this.settings = ctx.settings();
        this.results = ctx.results();
    }

    List<String> header() {
        List<String> h = new ArrayList<>();
        h.add("Affixo benchmark" + (settings.quick() ? " — QUICK MODE (program check; figures are NOT results)" : "")
                + (settings.partial() ? " — PARTIAL RUN, phases " + String.join(",", new TreeSet<>(settings.phases())) : "")
                + (settings.part() != null ? " — PART " + settings.part().number() + " of " + BenchSettings.PARTS.size()
                        + ", phases " + String.join(",", BenchSettings.PARTS.get(settings.part().number() - 1)) : ""));
        h.add("date:   " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        h.add("cores:  " + Runtime.getRuntime().availableProcessors() + " (shared by load generator, broker, "
                + "PostgreSQL and the service under test)");
        h.add("JDK:    " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        h.add("service JVM flags (ingest-api, click-processor, baseline-server): " + String.join(" ", settings.serviceJvmFlags()));
        h.add("bench JVM flags: " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        h.add("Kafka broker: own JVM, " + String.join(" ", BrokerProcess.JVM_FLAGS) + "; PostgreSQL 17 (embedded binaries)");
        h.add("load generator: " + generatorDescription());
        if (settings.phases().contains("startup")) {
            h.add("startup phase: -jar on " + settings.startup().java() + "; extracted and AOT cache on "
                    + settings.startup().aotJava());
            results.put("machine.startup_java", settings.startup().java().toString());
            results.put("machine.startup_aot_java", settings.startup().aotJava().toString());
        }
        if (settings.part() != null && settings.part().number() > 1) {
            h.add(carryOverFromPartOne(settings.part().firstPartResults()));
        }
        results.put("machine.date", ZonedDateTime.now().toString());
        results.put("machine.cores", Runtime.getRuntime().availableProcessors());
        results.put("machine.jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        results.put("machine.service_jvm_flags", String.join(" ", settings.serviceJvmFlags()));
        results.put("machine.bench_jvm_flags", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        results.put("machine.broker_jvm_flags", String.join(" ", BrokerProcess.JVM_FLAGS));
        results.put("machine.load_generator", generatorDescription());
        results.put("machine.quick", settings.quick());
        results.put("machine.phases", List.copyOf(new TreeSet<>(settings.phases())));
        results.put("machine.phase_seconds", settings.phase().toSeconds());
        results.put("machine.warmup_seconds", settings.warmup().toSeconds());
        return h;
    }

    /**
     * Part 2 has no ingest phase of its own: the targets against baseline (a) and processing, and the startup
     * phase's offered rate, take part 1's figures ({@link BenchSettings#CARRIED_FROM_PART_1}), read back from its JSON
     * under the same names. Two invocations minutes apart carry the machine's drift, as any ratio of two phases does.
     */
    private String carryOverFromPartOne(Path json) {
        if (!Files.isRegularFile(json)) {
            return "part 1: no results at " + json + ": the targets that need ingest figures are N/A and startup offers"
                    + " its fallback rate";
        }
        Results first;
        try {
            first = Results.read(json);
        } catch (IOException | RuntimeException e) {
            return "part 1: cannot read " + json + " (" + e + "): the targets that need ingest figures are N/A";
        }
        List<String> carried = new ArrayList<>();
        for (String name : BenchSettings.CARRIED_FROM_PART_1) {
            double value = first.number(name);
            if (Double.isFinite(value)) {
                results.put(name, value);
                carried.add(name);
            }
        }
        results.put("part1.results", json.toString());
        results.put("part1.carried", carried);
        String date = first.text("machine.date");
        results.put("part1.date", date);
        return "part 1: " + String.join(", ", carried) + " from " + json + " (run " + date + ")";
    }

    private String generatorDescription() {
        return (ctx.wrk().isPresent() ? "closed model: wrk (" + ctx.wrk().get() + ", 2 threads)"
                : "closed model: built-in Reactor Netty client (wrk not found: apt-get install wrk)")
                + "; open model and end-to-end: built-in Reactor Netty client";
    }

    void report(List<String> header) {
        addTargets();
        String table = results.table(header);
        System.out.println();
        System.out.print(table);
        if (!ctx.failures().isEmpty()) {
            System.out.println("phases that failed (their figures are N/A):");
            ctx.failures().forEach(f -> System.out.println("  - " + f.lines().findFirst().orElse(f)));
        }
        try {
            Path out = settings.out().toAbsolutePath();
            Files.createDirectories(out.getParent());
            Files.writeString(out, results.toJson());
            Path tableFile = tableFile(out);
            Files.writeString(tableFile, table);
            System.out.println("results: " + out + " (table: " + tableFile
                    + ", service logs: " + settings.logDir() + ")");
        } catch (IOException e) {
            System.err.println("cannot write results: " + e);
        }
    }

    /** {@code results-part1.json} → {@code results-part1.txt}: each run's table beside its JSON. */
    static Path tableFile(Path json) {
        String name = json.getFileName().toString();
        return json.resolveSibling((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".txt");
    }

    /** The targets, as ratios within this run. */
    private void addTargets() {
        double ingest = results.number("ingest.rps");
        double http = results.number("baseline_http.rps");
        double processing = results.number("processing.rps");
        results.target(new Target("ingest throughput / baseline (a), 64 conns", ingest / http, 0.85, true, ""));
        results.target(new Target("ingest p99 / baseline (a) p99, 64 conns",
                results.number("ingest.p99_ms") / results.number("baseline_http.p99_ms"), 1.5, false, ""));
        // Issue 17: the same ratios from the alternating rounds (median of three), and reply-after-ack's ceiling.
        results.target(new Target("A/B ingest / bare WebFlux, 64 conns (median of 3)",
                results.number("ratios.ingest_to_bare_http_64"), 0.65, true, ""));
        results.target(new Target("A/B ingest p99 / bare WebFlux p99, 64 conns",
                results.number("ratios.ingest_p99_to_bare_http_p99_64"), 1.5, false, ""));
        results.target(new Target("A/B ingest p50 16 conns / bare producer p50 16",
                results.number("ratios.ingest_p50_16_to_bare_producer_p50_16"), 2.0, false, ""));
        // Measured inside one JVM (two fresh JVMs differ by about the cost itself): 1 % of what tracing every click
        // costs, against the same JVM tracing none. The two-JVM rows (--only tracing) give their ratio in a note.
        results.target(new Target("tracing at 1 % (one JVM): cost, % of ingest throughput",
                results.number("tracing.one_jvm.cost_at_default_sampling") * 100, 3.0, false, " %"));
        results.target(new Target("processing / baseline (c) insert", processing / results.number("baseline_insert.rps"),
                0.60, true, ""));
        results.target(new Target("processing / ingest throughput (64 conns)", processing / ingest, 3.0, true, ""));
        // Issue 13: a burst is absorbed while traffic goes on, and the sink gets close to its statement shape.
        results.target(new Target("processing / ingest throughput, issue 13", processing / ingest, 2.0, true, ""));
        results.target(new Target("processing / baseline (c') unnest insert", processing
                / results.number("baseline_insert_unnest.rps"), 0.5, true, ""));
        results.target(new Target("processing / baseline (c'') COPY (reported)", processing
                / results.number("baseline_copy.rps"), 0.0, true, ""));
        // Issue 14: the visitor's ip and user_agent cost at most 10 % of ingest throughput.
        results.target(new Target("ingest with ip + user_agent / plain, 64 conns", results.number("ingest.origin_to_plain"),
                0.90, true, ""));
        results.target(new Target("batches of 100 / single click, clicks/s (same run)",
                results.number("batch.size_100.clicks_rps") / results.number("batch.single_reference_rps"), 5.0, true, ""));
        results.target(new Target("ingest-api heap after full GC", results.number("memory.ingest_api_heap_mb"), 128,
                false, " MB"));
        results.target(new Target("click-processor heap after full GC",
                results.number("memory.click_processor_heap_mb"), 256, false, " MB"));
        double non200 = results.number("ingest.closed_16.non_200") + results.number("ingest.closed_64.non_200")
                + results.number("ingest.open.non_200") + results.number("ingest.builtin_closed_64.non_200");
        results.target(new Target("ingest non-200 answers (all ingest phases)", non200, 0, false, ""));
        results.row(new Row("ingest-api memory", Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1,
                memoryNote("ingest_api")));
        results.row(new Row("click-processor memory", Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1,
                memoryNote("click_processor")));
        results.row(new Row("baseline-server memory", Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1,
                memoryNote("baseline_http")));
    }

    private String memoryNote(String name) {
        return "heap after full GC " + fmt(results.number("memory." + name + "_heap_mb")) + " MB, RSS "
                + fmt(results.number("memory." + name + "_rss_mb")) + " MB";
    }
}
