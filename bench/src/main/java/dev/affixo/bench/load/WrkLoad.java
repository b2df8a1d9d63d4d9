package dev.affixo.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The closed-model load generator: {@code wrk} (Debian package {@code wrk}), a separate, lean C process, so
 * the generator takes as little of the two cores as possible and never shares a JVM (or its collections)
 * with anything measured. It sends the same pool of bodies as the built-in generator ({@link ClickBodies}),
 * with the keys in rotation, from a request file its Lua script loads once per thread.
 */
public final class WrkLoad {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String RESULT_PREFIX = "WRK_RESULT ";
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);

    private final Path wrk;
    private final Path script;
    private final Path requestFile;
    private final String url;
    /** Empty: no Idempotency-Key. Else every request carries a fresh key {@code <prefix>-<thread>-<n>}. */
    private final String idempotencyKeyPrefix;
    /** Empty: none. Else one more header, {@code Name: value}, the same on every request. */
    private final String extraHeader;

    private WrkLoad(Path wrk, Path script, Path requestFile, String url, String idempotencyKeyPrefix,
                    String extraHeader) {
        this.wrk = wrk;
        this.script = script;
        this.requestFile = requestFile;
        this.url = url;
        this.idempotencyKeyPrefix = idempotencyKeyPrefix;
        this.extraHeader = extraHeader;
    }

    /**
     * The same requests, each with a fresh {@code Idempotency-Key} (never seen before, so every request takes
     * the API's first-use path: one claim in PostgreSQL). The script then formats each request as it sends it,
     * which costs wrk a little more CPU than the pre-formatted requests.
     */
    public WrkLoad withFreshIdempotencyKeys(String prefix) {
        return new WrkLoad(wrk, script, requestFile, url, prefix, extraHeader);
    }

    /** The same requests, each with one more header (the same on all), still pre-formatted. */
    public WrkLoad withHeader(String name, String value) {
        if (name.contains(":") || value.contains("\t") || value.contains("\n")) {
            throw new IllegalArgumentException("not a header for the script: " + name + ": " + value);
        }
        return new WrkLoad(wrk, script, requestFile, url, idempotencyKeyPrefix, name + ": " + value);
    }

    /** {@code wrk} on the PATH, if installed. */
    public static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "wrk");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Writes the script and the request file ({@code count} bodies from the pool, each with the next bearer
     * token in rotation, or none when {@code bearerTokens} is empty) under {@code workDir}.
     */
    public static WrkLoad prepare(Path wrk, Path workDir, int port, String path, List<String> bearerTokens,
                                  ClickBodies bodies, int count) {
        try {
            Files.createDirectories(workDir);
            Path script = workDir.resolve("requests.lua");
            Files.writeString(script, SCRIPT);
            Path requestFile = workDir.resolve("requests-" + port + "-" + bodies.name() + ".tsv");
            List<String> lines = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String authorization = bearerTokens.isEmpty() ? "-" : "Bearer " + bearerTokens.get(i % bearerTokens.size());
                lines.add(authorization + "\t" + new String(bodies.get(i), StandardCharsets.UTF_8));
            }
            Files.write(requestFile, lines);
            return new WrkLoad(wrk, script, requestFile, "http://127.0.0.1:" + port + path, "", "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the wrk request file", e);
        }
    }

    /** Closed model: {@code connections} keep-alive connections on 2 wrk threads for {@code duration}. */
    public LoadResult closed(String name, int connections, Duration duration) throws IOException, InterruptedException {
        List<String> command = List.of(wrk.toString(), "-t2", "-c" + connections, "-d" + duration.toSeconds() + "s",
                "--timeout", RESPONSE_TIMEOUT.toSeconds() + "s", "-s", script.toString(), url, "--",
                requestFile.toString(), idempotencyKeyPrefix.isEmpty() ? "-" : idempotencyKeyPrefix,
                extraHeader.isEmpty() ? "-" : extraHeader);
        Path output = Files.createTempFile(requestFile.getParent(), name, ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(duration.plus(RESPONSE_TIMEOUT).toSeconds() + 30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("wrk did not stop: " + Files.readString(output));
            }
            return parse(name, connections, Files.readString(output));
        } finally {
            process.destroyForcibly(); // a no-op once wrk exited; otherwise (timeout, interrupt) it must not run on
            Files.deleteIfExists(output);
        }
    }

    /** Reads the one line the script's {@code done()} prints. */
    static LoadResult parse(String name, int connections, String output) {
        String line = output.lines().filter(l -> l.startsWith(RESULT_PREFIX)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no result from wrk:\n" + output));
        JsonNode r = JSON.readTree(line.substring(RESULT_PREFIX.length()));
        Map<String, Long> failures = new TreeMap<>();
        for (String kind : List.of("status", "connect", "read", "write")) {
            long n = r.get(kind).asLong();
            if (n > 0) {
                failures.put(kind.equals("status") ? "status >= 400" : kind + " error", n);
            }
        }
        long failed = failures.values().stream().mapToLong(Long::longValue).sum();
        // wrk's timeout count is not a count of requests: it grows every 2 s for each connection still
        // waiting past --timeout, and a late answer is counted as a response too. Shown, never summed.
        long timeouts = r.get("timeout").asLong();
        if (timeouts > 0) {
            failures.put("wrk timeout events (not summed)", timeouts);
        }
        long ok = r.get("requests").asLong() - r.get("status").asLong();
        return new LoadResult(name, connections, 0, ok, failed, failures, r.get("duration_us").asLong() / 1e6,
                r.get("p50_us").asDouble() / 1000, r.get("p99_us").asDouble() / 1000,
                r.get("p999_us").asDouble() / 1000, r.get("max_us").asDouble() / 1000);
    }

    /**
     * Loads the request file once per thread into pre-formatted requests (no string building while sending),
     * each thread starting at its own offset, and prints the summary as one JSON line at the end.
     */
    private static final String SCRIPT = """
            -- Written by the Affixo benchmark. Request file lines: "<Authorization value or ->\\t<body>".
            -- args[2]: "-", or a prefix for a fresh Idempotency-Key per request.
            -- args[3]: "-", or one more header for every request, "Name: value".
            local threads = 0
            function setup(thread)
              thread:set("offset", threads * 7919)
              thread:set("id", threads)
              threads = threads + 1
            end

            local requests = {}
            local keyed = {}
            local prefix = nil
            local counter = 0
            function init(args)
              if args[2] ~= nil and args[2] ~= "-" then prefix = args[2] .. "-" .. (id or 0) .. "-" end
              local extraName, extraValue = nil, nil
              if args[3] ~= nil and args[3] ~= "-" then extraName, extraValue = args[3]:match("^([^:]+):%s*(.*)$") end
              for line in io.lines(args[1]) do
                local authorization, body = line:match("^([^\\t]*)\\t(.*)$")
                local headers = { ["Content-Type"] = "application/json" }
                if authorization ~= "-" then headers["Authorization"] = authorization end
                if extraName ~= nil then headers[extraName] = extraValue end
                requests[#requests + 1] = wrk.format("POST", nil, headers, body)
                keyed[#keyed + 1] = { headers = headers, body = body }
              end
              counter = offset or 0
            end

            function request()
              counter = counter + 1
              local i = (counter % #requests) + 1
              if prefix == nil then return requests[i] end
              local r = keyed[i]
              r.headers["Idempotency-Key"] = prefix .. counter
              return wrk.format("POST", nil, r.headers, r.body)
            end

            function done(summary, latency, requests)
              local e = summary.errors
              io.write(string.format('WRK_RESULT {"requests":%.0f,"duration_us":%.0f,"status":%.0f,"connect":%.0f,'
                .. '"read":%.0f,"write":%.0f,"timeout":%.0f,"p50_us":%.0f,"p99_us":%.0f,"p999_us":%.0f,"max_us":%.0f}\\n',
                summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
                latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
            end
            """;
}
