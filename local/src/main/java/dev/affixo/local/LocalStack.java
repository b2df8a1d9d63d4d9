package dev.affixo.local;

import dev.affixo.admin.AdminException;
import dev.affixo.admin.Database;
import dev.affixo.admin.demo.DemoData;
import dev.affixo.admin.demo.DemoSeed;
import dev.affixo.admin.topics.ClickTopics;
import dev.affixo.common.Topics;
import dev.affixo.infra.FreePorts;
import dev.affixo.infra.process.ServiceProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar local/target/affixo-local.jar [--data-dir DIR] [--port N] [--infra-only]}: Kafka,
 * PostgreSQL, the ingest API and the click processor on one machine with nothing but a JDK. Writes
 * {@code DIR/local.json} once everything answers ready, and removes it when it stops.
 */
@Command(name = "affixo-local", mixinStandardHelpOptions = true, version = "affixo-local 0.1.0",
        description = "Runs the whole Affixo pipeline locally: Kafka (KRaft, in a JVM of its own) and PostgreSQL 17, "
                + "then ingest-api and click-processor as child processes.")
public final class LocalStack implements Callable<Integer> {

    /** What the printed curl sends as the visitor: TEST-NET-3 (RFC 5737), never a real person's address. */
    static final String DEMO_IP = "203.0.113.7";
    static final String DEMO_USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    static final int DEFAULT_API_PORT = 8080;
    /** The services' own defaults for MANAGEMENT_PORT, used when free so the local stack looks like the docs. */
    static final int DEFAULT_API_MANAGEMENT_PORT = 9080;
    static final int DEFAULT_PROCESSOR_MANAGEMENT_PORT = 9081;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final String SESSION_TIMEOUT = "SPRING_KAFKA_STREAMS_PROPERTIES_SESSION_TIMEOUT_MS";
    /** What `affixo-admin topics create --partitions` is given here; the services create no topic themselves. */
    static final int TOPIC_PARTITIONS = 12;

    @Option(names = "--data-dir", defaultValue = ".affixo", paramLabel = "DIR",
            description = "Kafka log (DIR/kafka), PostgreSQL data (DIR/pg), logs, local.json (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--port", paramLabel = "N",
            description = "ingest API port (default: the port of the previous start, else 8080)")
    Integer port;

    @Option(names = "--infra-only", description = "start only Kafka and PostgreSQL; print the services' environment")
    boolean infraOnly;

    @Option(names = "--no-processor", description = "run the ingest API without the click processor")
    boolean noProcessor;

    @Option(names = "--ready-timeout", defaultValue = "180", paramLabel = "SECONDS",
            description = "give up if the services are not ready in this time (default: ${DEFAULT-VALUE})")
    int readyTimeoutSeconds;

    private final Map<String, String> env;
    private final PrintStream out;
    private final List<ServiceProcess> children = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Infra infra;
    private Path localJson;
    private FileLock lock;

    LocalStack(Map<String, String> env, PrintStream out) {
        this.env = env;
        this.out = out;
    }

    public static void main(String[] args) {
        LocalStack stack = new LocalStack(System.getenv(), System.out);
        CommandLine cli = new CommandLine(stack);
        cli.setExecutionExceptionHandler((ex, cmd, parse) -> {
            String message = ex instanceof AdminException || ex instanceof IllegalStateException
                    || ex instanceof IllegalArgumentException ? ex.getMessage() : String.valueOf(ex);
            cmd.getErr().println("affixo-local: " + message);
            LOG.debug("Start failed", ex);
            return 1;
        });
        int code = cli.execute(args);
        if (code != 0) {
            System.exit(code);
        }
        if (cli.getParseResult() != null && (cli.isUsageHelpRequested() || cli.isVersionHelpRequested())) {
            return;
        }
        // running: Ctrl-C / SIGTERM runs the shutdown hook, which stops everything and releases this wait
        try {
            stack.stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        lock = lockDataDir(dir);
        localJson = dir.resolve("local.json");
        Files.deleteIfExists(localJson); // present only while everything is ready
        Thread hook = new Thread(this::shutdown, "affixo-local-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            start(dir);
        } catch (Exception e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            shutdown();
            throw e;
        }
        return 0;
    }

    private void start(Path dir) throws Exception {
        long t0 = System.nanoTime();
        StackState state = StackState.load(dir);
        int apiPort = port != null ? port : state.port("api") != 0 ? state.port("api") : DEFAULT_API_PORT;
        int apiManagementPort = state.port("api_management") != 0 ? state.port("api_management")
                : preferredOrFree(DEFAULT_API_MANAGEMENT_PORT, apiPort);
        int processorPort = state.port("processor") != 0 ? state.port("processor")
                : preferredOrFree(DEFAULT_PROCESSOR_MANAGEMENT_PORT, apiPort, apiManagementPort);

        LOG.info("Starting Kafka and PostgreSQL (data dir {})", dir);
        infra = Infra.start(dir, state, env);
        state.save();

        Database db = Database.connect(infra.databaseUrl, infra.databaseUser, infra.databasePassword);
        DemoData seed = state.seed(infra.databaseUrl);
        if (seed == null) {
            seed = new DemoSeed(db).seed();
            state.seed(infra.databaseUrl, seed);
            state.save();
            LOG.info("Seeded demo workspace {} and second workspace {}", seed.workspaceId(), seed.otherWorkspaceId());
        }

        createTopics();

        Map<String, String> serviceEnv = serviceEnv();
        if (!infraOnly) {
            String pickAnother = " (delete " + dir.resolve("state.json") + " to pick another)";
            requireFree(apiPort, "the ingest API (pass --port N)");
            requireFree(apiManagementPort, "the ingest API's management port" + pickAnother);
            requireFree(processorPort, "the click processor's management port" + pickAnother);
            if (apiManagementPort == apiPort || processorPort == apiPort || processorPort == apiManagementPort) {
                throw new IllegalStateException("the ingest API (" + apiPort + "), its management port ("
                        + apiManagementPort + ") and the click processor's (" + processorPort + ") need three ports"
                        + pickAnother);
            }
            state.port("api", apiPort);
            state.port("api_management", apiManagementPort);
            state.port("processor", processorPort);
            state.save();
            startServices(dir, ServiceProcess.Ports.apiAndManagement(apiPort, apiManagementPort),
                    ServiceProcess.Ports.managementOnly(processorPort), serviceEnv, t0);
        }

        writeLocalJson(seed, serviceEnv, apiPort);
        printSummary(seed, serviceEnv, apiPort, (System.nanoTime() - t0) / 1_000_000_000.0);
    }

    private void startServices(Path dir, ServiceProcess.Ports apiPorts, ServiceProcess.Ports processorPorts,
                               Map<String, String> serviceEnv, long t0) throws InterruptedException {
        ServiceJars jars = ServiceJars.locate(env, noProcessor);
        List<String> javaOpts = Arrays.asList(env.getOrDefault("AFFIXO_LOCAL_JAVA_OPTS", "-Xmx512m").trim().split("\\s+"));
        long deadline = t0 + Duration.ofSeconds(readyTimeoutSeconds).toNanos();
        Path logs = dir.resolve("logs");

        // The API goes first: its readiness (broker, topic, database, warm caches) is the slower one to reach.
        LOG.info("Starting ingest-api on port {}, management port {} (log: {})", apiPorts.http(),
                apiPorts.management(), logs.resolve("ingest-api.log"));
        ServiceProcess api = ServiceProcess.start("ingest-api", javaOpts, ServiceProcess.jar(jars.ingest()), apiPorts,
                serviceEnv, logs);
        children.add(api);
        api.awaitReady(untilDeadline(deadline));
        if (jars.processor() != null) {
            LOG.info("Starting click-processor (management port {}, log: {})", processorPorts.management(),
                    logs.resolve("click-processor.log"));
            ServiceProcess processor = ServiceProcess.start("click-processor", javaOpts,
                    ServiceProcess.jar(jars.processor()), processorPorts, processorEnv(serviceEnv), logs);
            children.add(processor);
            processor.awaitReady(untilDeadline(deadline));
        }
    }

    /**
     * The provisioning step of the docs ({@code affixo-admin topics create}), with the same code: idempotent, so a
     * restart on the same data dir finds the topics as it left them. Replication: the broker's default.
     */
    private void createTopics() {
        String accepted = env.getOrDefault("AFFIXO_PROCESSOR_ACCEPTED_TOPIC", Topics.ACCEPTED_CLICKS);
        String deadLetters = env.getOrDefault("AFFIXO_PROCESSOR_DEAD_LETTER_TOPIC", Topics.DEAD_LETTERS);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers))) {
            ClickTopics topics = new ClickTopics(admin);
            topics.ensure(accepted, TOPIC_PARTITIONS, (short) -1);
            topics.ensure(deadLetters, 1, (short) -1);
        }
        LOG.info("Topics {} ({} partitions) and {} are there", accepted, TOPIC_PARTITIONS, deadLetters);
    }

    /**
     * The processor's: the shared contract plus a 10 s consumer session (Kafka's default is 45 s). Kafka Streams does
     * not leave its group when it stops, so a processor killed with the launcher would hold its partitions on the
     * next start until its session expired (docs/click-processor.md, "How long a failover takes"). Set by us only
     * where the user has not.
     */
    private Map<String, String> processorEnv(Map<String, String> serviceEnv) {
        Map<String, String> e = new LinkedHashMap<>(serviceEnv);
        if (!env.containsKey(SESSION_TIMEOUT)) {
            e.put(SESSION_TIMEOUT, "10000");
            e.put("SPRING_KAFKA_STREAMS_PROPERTIES_HEARTBEAT_INTERVAL_MS", "3000");
        }
        return e;
    }

    /**
     * After a graceful stop the processor's members are still in its consumer group until their sessions expire; the
     * one processor of this stack is gone, so its group (on the stack's own broker) is emptied and the next start gets
     * its partitions at once.
     */
    private void emptyProcessorGroup() {
        String group = env.getOrDefault("AFFIXO_PROCESSOR_APPLICATION_ID", "affixo-click-processor");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers))) {
            admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions())
                    .all().get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // nothing to empty (never started, already empty) or the broker is going: the session timeout covers it
            LOG.debug("Could not empty consumer group {}: {}", group, e.toString());
        }
    }

    /** The environment contract both service jars read. AFFIXO_* settings pass through from ours. */
    private Map<String, String> serviceEnv() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("DATABASE_URL", infra.databaseUrl);
        e.put("DATABASE_USER", nullToEmpty(infra.databaseUser));
        e.put("DATABASE_PASSWORD", nullToEmpty(infra.databasePassword));
        e.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers);
        return e;
    }

    private void writeLocalJson(DemoData seed, Map<String, String> serviceEnv, int apiPort) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        if (!infraOnly) {
            json.put("api_url", apiUrl(apiPort));
        }
        json.put("database_url", infra.databaseUrl);
        json.put("database_user", nullToEmpty(infra.databaseUser));
        json.put("database_password", nullToEmpty(infra.databasePassword));
        json.put("bootstrap_servers", infra.bootstrapServers);
        json.put("keys", seed.keys());
        json.put("refs", seed.refs());
        json.put("inactive_ref", seed.inactiveRef());
        json.put("other_workspace_ref", seed.otherWorkspaceRef());
        json.put("workspace_id", seed.workspaceId());
        json.put("other_workspace_id", seed.otherWorkspaceId());
        if (infraOnly) {
            json.put("service_env", serviceEnv);
        } else {
            Map<String, String> management = new LinkedHashMap<>();
            for (ServiceProcess child : children) {
                management.put(child.name().replace('-', '_'), child.managementUrl());
            }
            json.put("management", management);
        }
        Path tmp = localJson.resolveSibling("local.json.tmp");
        StackState.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), json);
        Files.move(tmp, localJson, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private void printSummary(DemoData seed, Map<String, String> serviceEnv, int apiPort, double seconds) {
        String psqlUrl = infra.databaseUrl.replaceFirst("^jdbc:", "");
        if (infra.databaseUser != null && !infra.databaseUser.isEmpty() && !psqlUrl.contains("@")) {
            psqlUrl = psqlUrl.replaceFirst("^postgresql://", "postgresql://" + infra.databaseUser
                    + (infra.databasePassword == null || infra.databasePassword.isEmpty() ? "" : ":" + infra.databasePassword)
                    + "@");
        }
        StringBuilder s = new StringBuilder("\n");
        if (infraOnly) {
            s.append(String.format("Affixo infrastructure is ready (%.1f s). Run each service jar with:%n", seconds));
            serviceEnv.forEach((k, v) -> s.append("  export ").append(k).append("='").append(v).append("'\n"));
            s.append("  java -jar ingest-api/target/ingest-api.jar            # PORT 8080, MANAGEMENT_PORT 9080 by default\n");
            s.append("  java -jar click-processor/target/click-processor.jar  # MANAGEMENT_PORT 9081 by default\n");
        } else {
            s.append(String.format("Affixo is running (%.1f s).%n", seconds));
            for (ServiceProcess child : children) {
                s.append(String.format("  %-16s %s  (log: %s)%n", child.name(), child.managementUrl(), child.log()));
            }
        }
        s.append(String.format("  %-16s %s%n", "Kafka", infra.bootstrapServers));
        s.append(String.format("  %-16s %s  user %s%n", "PostgreSQL", infra.databaseUrl, nullToEmpty(infra.databaseUser)));
        s.append(String.format("  %-16s %s%n", "keys and refs", localJson));
        s.append("\nRecord a click:\n");
        s.append("  curl -sS -X POST ").append(apiUrl(apiPort)).append("/v1/track/click")
                .append(" -H 'Authorization: Bearer ").append(seed.keys().get("track")).append("'")
                .append(" -H 'Content-Type: application/json'")
                .append(" -d '{\"ref\":\"").append(seed.refs().get(0)).append("\",\"visitor_id\":\"visitor-demo-1\"")
                // the visitor's address (a documentation-range one) and browser, as a merchant's server passes them on
                .append(",\"ip\":\"").append(DEMO_IP).append("\",\"user_agent\":\"").append(DEMO_USER_AGENT)
                .append("\"}'\n");
        s.append("\nThe row appears in PostgreSQL table clicks within a few seconds (the first click of a fresh stack is the\n"
                + "slowest, later ones take a fraction of a second):\n");
        s.append("  psql '").append(psqlUrl).append("' -c 'select event_id, ref, visitor_id, match_method, "
                + "classification, traffic, bot_reason, device_class, agent_name, received_at "
                + "from clicks order by received_at desc limit 5'\n");
        s.append("  (JDBC: ").append(infra.databaseUrl).append(", user ").append(nullToEmpty(infra.databaseUser))
                .append(", password ").append(nullToEmpty(infra.databasePassword)).append(")\n");
        s.append("\nCtrl-C stops everything.\n");
        out.print(s);
        out.flush();
    }

    /** SIGTERM to the services (graceful: in-flight requests answered, producer flushed, Streams closed), then infra. */
    private synchronized void shutdown() {
        if (stopped.getCount() == 0) {
            return;
        }
        try {
            if (localJson != null) {
                Files.deleteIfExists(localJson);
            }
        } catch (IOException e) {
            LOG.warn("Cannot delete {}", localJson);
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (ServiceProcess child : children) {
            child.requestStop();
        }
        for (ServiceProcess child : children) {
            try {
                child.awaitStopped(untilDeadline(deadline));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (infra != null) {
            if (!noProcessor && infra.embeddedKafka()) { // an external cluster's group may have other members
                emptyProcessorGroup();
            }
            infra.close();
        }
        if (lock != null) {
            try {
                lock.release();
                lock.channel().close();
            } catch (IOException ignored) {
                // the process is ending anyway
            }
        }
        LOG.info("Affixo stopped");
        stopped.countDown();
    }

    private static FileLock lockDataDir(Path dir) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("another affixo-local is already running on " + dir);
        }
        return lock;
    }

    private static void requireFree(int port, String what) {
        if (!isFree(port)) {
            throw new IllegalStateException("port " + port + " for " + what + " is already in use");
        }
    }

    /** {@code preferred} when it is free and not {@code taken}, else any free port that is not {@code taken}. */
    private static int preferredOrFree(int preferred, int... taken) {
        if (isFree(preferred) && Arrays.stream(taken).noneMatch(t -> t == preferred)) {
            return preferred;
        }
        for (int i = 0; i < 20; i++) {
            int candidate = FreePorts.pick();
            if (Arrays.stream(taken).noneMatch(t -> t == candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free port");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String apiUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Where the service jars are: beside this jar's module ({@code ../../<module>/target/<module>.jar}). */
    record ServiceJars(Path ingest, Path processor) {

        static ServiceJars locate(Map<String, String> env, boolean noProcessor) {
            Path ingest = jar(env, "AFFIXO_INGEST_JAR", "ingest-api");
            Path processor = noProcessor ? null : jar(env, "AFFIXO_PROCESSOR_JAR", "click-processor");
            return new ServiceJars(ingest, processor);
        }

        private static Path jar(Map<String, String> env, String variable, String module) {
            String override = env.get(variable);
            Path jar = override != null && !override.isBlank() ? Path.of(override).toAbsolutePath()
                    : repositoryRoot().resolve(module).resolve("target").resolve(module + ".jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(module + " jar not found at " + jar + ": build it with "
                        + "'./mvnw -pl " + module + " -am package -DskipTests' or set " + variable
                        + (module.equals("click-processor") ? " (or pass --no-processor)" : ""));
            }
            return jar;
        }

        /** local/target/affixo-local.jar (or local/target/classes) → the repository root. */
        static Path repositoryRoot() {
            try {
                Path self = Path.of(LocalStack.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                return self.toAbsolutePath().getParent().getParent().getParent();
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static Duration untilDeadline(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }
}
