package dev.affixo.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.affixo.deploy.Repository.JibImage;
import dev.affixo.deploy.Repository.Setting;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Both overlays of deploy/kubernetes, rendered ({@link Kustomize}) and parsed into typed models
 * ({@link Manifests}), held against what the rest of the repository says: the README's configuration table,
 * the Jib configuration in the poms, docker-compose.yml, and the topics' partitions. Each test collects every
 * problem of an overlay and fails with the list.
 */
class DeployManifestsTest {

    private static final Path OVERLAYS = Repository.ROOT.resolve("deploy/kubernetes/overlays");
    private static final Map<String, Manifests> RENDERED = new HashMap<>();
    /** Jobs run on demand beside an overlay (docs/kubernetes.md): checked with each overlay as if applied to it. */
    private static final List<Path> ONE_SHOT_JOBS = List.of(Repository.ROOT.resolve("deploy/kubernetes/jobs/demo-seed.yaml"));
    /** Which service (README "service" column) an image is; the admin CLI has its own variables. */
    private static final Map<String, String> SERVICE_OF_MODULE =
            Map.of("ingest-api", "ingest", "click-processor", "processor", "admin", "admin");

    private static List<Setting> settings;
    private static Map<String, JibImage> jibByImage;

    @BeforeAll
    static void read() throws Exception {
        settings = Repository.readmeSettings();
        jibByImage = new LinkedHashMap<>();
        for (String module : SERVICE_OF_MODULE.keySet()) {
            JibImage jib = Repository.jibImage(module);
            jibByImage.put(jib.image(), jib);
        }
    }

    private static Manifests overlay(String name) throws IOException {
        Manifests m = RENDERED.get(name);
        if (m == null) {
            m = Manifests.render(OVERLAYS.resolve(name), ONE_SHOT_JOBS.toArray(Path[]::new));
            RENDERED.put(name, m);
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyManifestIsATypedKindWithOnlyKnownFields(String name) throws IOException {
        Manifests m = overlay(name);
        assertThat(m.problems).as(name + ": unknown kinds and fields").isEmpty();
        Map<String, Integer> kinds = new TreeMap<>();
        m.resources.forEach(r -> kinds.merge(r.getKind(), 1, Integer::sum));
        assertThat(kinds).as(name + ": what an install needs").isEqualTo(Map.ofEntries(
                Map.entry("Cluster", 1), Map.entry("Deployment", 1), Map.entry("HorizontalPodAutoscaler", 1),
                Map.entry("Job", 2), Map.entry("Kafka", 1), Map.entry("KafkaNodePool", 1), Map.entry("KafkaTopic", 2),
                Map.entry("KafkaUser", 2), Map.entry("PodDisruptionBudget", 2), Map.entry("Service", 2),
                Map.entry("StatefulSet", 1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void serviceWorkloadsHaveProbesOnTheManagementPortResourcesAndALockedDownPod(String name) throws Exception {
        Manifests m = overlay(name);
        List<String> problems = new ArrayList<>();
        long user = Long.parseLong(Repository.jibUser().split(":")[0]);
        for (Workload w : workloads(m)) {
            String where = name + ": " + w.name;
            lockedDown(where, w.template, user, problems);
            for (Container c : w.template.getSpec().getContainers()) {
                String managementPort = env(c, "MANAGEMENT_PORT");
                if (managementPort == null) {
                    problems.add(where + ": no MANAGEMENT_PORT, so the probes' port cannot be checked");
                    continue;
                }
                int port = Integer.parseInt(managementPort);
                probe(where + " liveness", c, c.getLivenessProbe(), "/actuator/health/liveness", port, problems);
                probe(where + " readiness", c, c.getReadinessProbe(), "/actuator/health/readiness", port, problems);
                resources(where, c.getResources(), problems);
            }
        }
        for (Job job : m.all(Job.class)) {
            String where = name + ": Job " + job.getMetadata().getName();
            lockedDown(where, job.getSpec().getTemplate(), user, problems);
            job.getSpec().getTemplate().getSpec().getContainers().forEach(c -> resources(where, c.getResources(), problems));
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceWorkloadHasADisruptionBudgetAndTheApiScalesByCpu(String name) throws IOException {
        Manifests m = overlay(name);
        List<String> problems = new ArrayList<>();
        for (Workload w : workloads(m)) {
            Map<String, String> labels = w.template.getMetadata().getLabels();
            List<PodDisruptionBudget> budgets = m.all(PodDisruptionBudget.class).stream()
                    .filter(b -> labels.entrySet().containsAll(b.getSpec().getSelector().getMatchLabels().entrySet()))
                    .toList();
            if (budgets.size() != 1) {
                problems.add(name + ": " + w.name + " has " + budgets.size() + " PodDisruptionBudgets, want 1");
            } else if (budgets.get(0).getSpec().getMaxUnavailable() == null
                    || budgets.get(0).getSpec().getMaxUnavailable().getIntVal() == null
                    || budgets.get(0).getSpec().getMaxUnavailable().getIntVal() < 1) {
                // maxUnavailable >= 1 lets a node drain even with one replica; minAvailable = replicas would block it
                problems.add(name + ": " + w.name + "'s budget must allow one pod down (maxUnavailable >= 1)");
            }
        }
        HorizontalPodAutoscaler hpa = m.one(HorizontalPodAutoscaler.class, "affixo-ingest-api");
        Deployment api = m.one(Deployment.class, "affixo-ingest-api");
        if (!hpa.getSpec().getScaleTargetRef().getName().equals(api.getMetadata().getName())
                || !hpa.getSpec().getScaleTargetRef().getKind().equals("Deployment")) {
            problems.add(name + ": the HPA does not scale the ingest-api Deployment");
        }
        if (hpa.getSpec().getMetrics().stream().noneMatch(x -> x.getResource() != null
                && x.getResource().getName().equals("cpu"))) {
            problems.add(name + ": the HPA does not scale by CPU");
        }
        // the HPA owns the count: a count in the Deployment would be reset by every apply, mid-peak
        if (api.getSpec().getReplicas() != null) {
            problems.add(name + ": the ingest-api Deployment sets replicas (" + api.getSpec().getReplicas()
                    + "), which the HPA owns");
        }
        if (hpa.getSpec().getMinReplicas() == null || hpa.getSpec().getMinReplicas() < 1
                || hpa.getSpec().getMaxReplicas() < hpa.getSpec().getMinReplicas()) {
            problems.add(name + ": HPA min " + hpa.getSpec().getMinReplicas() + " / max " + hpa.getSpec().getMaxReplicas());
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theApiIsGivenLongerToStopThanItsPreStopAndRequestBound(String name) throws IOException {
        Deployment api = overlay(name).one(Deployment.class, "affixo-ingest-api");
        Container c = api.getSpec().getTemplate().getSpec().getContainers().get(0);
        long preStop = c.getLifecycle() == null || c.getLifecycle().getPreStop() == null
                || c.getLifecycle().getPreStop().getSleep() == null ? 0
                : c.getLifecycle().getPreStop().getSleep().getSeconds();
        Duration requestTimeout = duration(valueOf(c, "ingest", "AFFIXO_INGEST_REQUEST_TIMEOUT"));
        long grace = api.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        // preStop runs first; then Spring's graceful shutdown answers in-flight requests, each within the bound
        assertThat(grace).as(name + ": terminationGracePeriodSeconds vs preStop %ds + request timeout %s",
                preStop, requestTimeout).isGreaterThan(preStop + requestTimeout.toSeconds());
        assertThat(preStop).as(name + ": a preStop pause, so load balancers stop sending before the API stops")
                .isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyVariableIsOneTheReadmeOrTheAdminDocsKnow(String name) throws Exception {
        Manifests m = overlay(name);
        Set<String> adminVariables = Repository.variablesNamedIn("docs/admin-cli.md");
        List<String> problems = new ArrayList<>();
        List<PodTemplateSpec> templates = new ArrayList<>();
        workloads(m).forEach(w -> templates.add(w.template));
        m.all(Job.class).forEach(j -> templates.add(j.getSpec().getTemplate()));
        for (PodTemplateSpec t : templates) {
            for (Container c : t.getSpec().getContainers()) {
                String service = serviceOf(c);
                Set<String> seen = new java.util.HashSet<>();
                for (EnvVar e : c.getEnv()) {
                    if (!seen.add(e.getName())) {
                        problems.add(name + ": " + c.getName() + " sets " + e.getName() + " twice");
                    }
                    boolean known = service.equals("admin") ? adminVariables.contains(e.getName())
                            : settings.stream().anyMatch(s -> s.appliesTo(service) && s.names(e.getName()));
                    if (!known) {
                        problems.add(name + ": " + c.getName() + " sets " + e.getName() + ", which "
                                + (service.equals("admin") ? "docs/admin-cli.md" : "the README's configuration table for " + service)
                                + " does not know");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void processorThreadsFitTheAcceptedTopicsPartitionsAndReplicationFitsTheBrokers(String name) throws IOException {
        Manifests m = overlay(name);
        StatefulSet processor = m.one(StatefulSet.class, "affixo-click-processor");
        Container c = processor.getSpec().getTemplate().getSpec().getContainers().get(0);
        Container api = m.one(Deployment.class, "affixo-ingest-api").getSpec().getTemplate().getSpec().getContainers().get(0);
        String accepted = valueOf(c, "processor", "AFFIXO_PROCESSOR_ACCEPTED_TOPIC");
        assertThat(valueOf(api, "ingest", "AFFIXO_INGEST_ACCEPTED_TOPIC")).as(name + ": API and processor share the topic")
                .isEqualTo(accepted);
        GenericKubernetesResource topic = topic(m, accepted);
        int partitions = ((Number) spec(topic).get("partitions")).intValue();
        int replicas = processor.getSpec().getReplicas();
        String threadsVariable = "SPRING_KAFKA_STREAMS_PROPERTIES_NUM_STREAM_THREADS";
        assertThat(env(c, threadsVariable)).as(name + ": " + threadsVariable + " set explicitly").isNotNull();
        int threads = Integer.parseInt(env(c, threadsVariable));
        // each partition is one task per sub-topology: threads beyond the partitions would idle
        assertThat(replicas * threads).as(name + ": %d processors x %d threads vs %d partitions of %s",
                replicas, threads, partitions, accepted).isLessThanOrEqualTo(partitions);
        int standbys = Integer.parseInt(valueOf(c, "processor", "AFFIXO_PROCESSOR_STANDBY_REPLICAS"));
        assertThat(standbys).as(name + ": standby replicas, each on another instance").isBetween(0, replicas - 1);
        assertThat(env(c, "AFFIXO_PROCESSOR_STANDBY_REPLICAS")).as(name + ": standby replicas set explicitly").isNotNull();
        topic(m, valueOf(c, "processor", "AFFIXO_PROCESSOR_DEAD_LETTER_TOPIC"));

        int brokers = m.custom("KafkaNodePool").stream()
                .filter(p -> ((List<?>) spec(p).get("roles")).contains("broker"))
                .mapToInt(p -> ((Number) spec(p).get("replicas")).intValue()).sum();
        int internalReplication = Integer.parseInt(valueOf(c, "processor", "AFFIXO_PROCESSOR_REPLICATION_FACTOR"));
        assertThat(internalReplication).as(name + ": replication of the processor's internal topics vs %d brokers", brokers)
                .isBetween(1, brokers);
        for (GenericKubernetesResource t : m.custom("KafkaTopic")) {
            assertThat(((Number) spec(t).get("replicas")).intValue()).as(name + ": replicas of " + t.getMetadata().getName())
                    .isEqualTo(internalReplication);
        }
    }

    /**
     * Each processor pod is a static member under its own name, which a StatefulSet keeps across restarts: that is
     * what makes its graceful stop leave the group at once (Kafka Streams 4.1 removes only static members on close)
     * and lets a pod restarted after a crash take its own members back. A fixed value would make every pod the same
     * member, and the broker would fence all but one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void processorPodsAreStaticMembersNamedAfterThemselves(String name) throws IOException {
        StatefulSet processor = overlay(name).one(StatefulSet.class, "affixo-click-processor");
        Container c = processor.getSpec().getTemplate().getSpec().getContainers().get(0);
        EnvVar instanceId = envVar(c, "SPRING_KAFKA_STREAMS_PROPERTIES_GROUP_INSTANCE_ID");
        assertThat(instanceId).as(name + ": group.instance.id set").isNotNull();
        assertThat(instanceId.getValue()).as(name + ": group.instance.id is no fixed value").isNull();
        assertThat(instanceId.getValueFrom() == null || instanceId.getValueFrom().getFieldRef() == null ? null
                : instanceId.getValueFrom().getFieldRef().getFieldPath())
                .as(name + ": group.instance.id is the pod's name").isEqualTo("metadata.name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void imagesAndPortsAreTheOnesJibBuilds(String name) throws IOException {
        Manifests m = overlay(name);
        List<String> problems = new ArrayList<>();
        Map<String, String> expected = Map.of(
                "affixo-ingest-api", "ingest-api", "affixo-click-processor", "click-processor", "affixo-migrate", "admin",
                "affixo-demo-seed", "admin");
        List<PodTemplateSpec> templates = new ArrayList<>();
        workloads(m).forEach(w -> templates.add(w.template));
        m.all(Job.class).forEach(j -> templates.add(j.getSpec().getTemplate()));
        for (PodTemplateSpec t : templates) {
            String app = t.getMetadata().getLabels().get("app.kubernetes.io/name");
            for (Container c : t.getSpec().getContainers()) {
                JibImage jib = jibByImage.get(c.getImage());
                if (jib == null || !jib.module().equals(expected.get(app))) {
                    problems.add(name + ": " + app + " runs " + c.getImage() + ", Jib builds " + expected.get(app)
                            + " as " + jibByImage.values().stream().filter(j -> j.module().equals(expected.get(app)))
                            .map(JibImage::image).toList());
                    continue;
                }
                List<Integer> ports = c.getPorts().stream().map(p -> p.getContainerPort()).sorted().toList();
                if (!ports.equals(jib.ports().stream().sorted().toList())) {
                    problems.add(name + ": " + app + " declares ports " + ports + ", its image exposes " + jib.ports());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void composeRunsTheImagesJibBuilds() throws IOException {
        Map<String, Object> compose = Kustomize.map(new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(Repository.ROOT.resolve("docker-compose.yml"))));
        List<String> problems = new ArrayList<>();
        Set<String> used = new java.util.TreeSet<>();
        Kustomize.map(compose.get("services")).forEach((service, definition) -> {
            String image = String.valueOf(Kustomize.map(definition).get("image"));
            if (image.startsWith("affixo/")) {
                used.add(image);
                if (!jibByImage.containsKey(image)) {
                    problems.add("docker-compose.yml: " + service + " runs " + image + ", not an image Jib builds "
                            + jibByImage.keySet());
                }
            }
        });
        assertThat(problems).isEmpty();
        assertThat(used).as("every image Jib builds is run by compose").containsExactlyInAnyOrderElementsOf(jibByImage.keySet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesReachTheDeclaredKafkaUsersAndDatabase(String name) throws IOException {
        Manifests m = overlay(name);
        List<String> problems = new ArrayList<>();
        GenericKubernetesResource kafka = m.custom("Kafka").get(0);
        String cluster = kafka.getMetadata().getName();
        GenericKubernetesResource pg = m.custom("Cluster").get(0);
        String database = String.valueOf(Kustomize.map(Kustomize.map(spec(pg).get("bootstrap")).get("initdb")).get("database"));
        for (String kind : List.of("KafkaNodePool", "KafkaTopic", "KafkaUser")) {
            for (GenericKubernetesResource r : m.custom(kind)) {
                if (!cluster.equals(r.getMetadata().getLabels().get("strimzi.io/cluster"))) {
                    problems.add(name + ": " + kind + " " + r.getMetadata().getName() + " is not labelled for Kafka " + cluster);
                }
            }
        }
        // the one listener the services use: TLS with SCRAM users
        Map<String, Object> listener = Kustomize.list(Kustomize.map(spec(kafka).get("kafka")).get("listeners")).stream()
                .map(Kustomize::map).filter(l -> Boolean.TRUE.equals(l.get("tls"))
                        && "scram-sha-512".equals(Kustomize.map(l.get("authentication")).get("type"))).findFirst().orElseThrow();
        String bootstrap = cluster + "-kafka-bootstrap:" + listener.get("port");

        List<PodTemplateSpec> templates = new ArrayList<>();
        workloads(m).forEach(w -> templates.add(w.template));
        m.all(Job.class).forEach(j -> templates.add(j.getSpec().getTemplate()));
        for (PodTemplateSpec t : templates) {
            for (Container c : t.getSpec().getContainers()) {
                String where = name + ": " + c.getName();
                String service = serviceOf(c);
                String url = env(c, "DATABASE_URL");
                if (!Objects.equals(url, "jdbc:postgresql://" + pg.getMetadata().getName() + "-rw:5432/" + database)) {
                    problems.add(where + ": DATABASE_URL " + url + " is not the CloudNativePG primary of " + database);
                }
                for (String v : List.of("DATABASE_USER", "DATABASE_PASSWORD")) {
                    EnvVar e = envVar(c, v);
                    if (e == null || e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null
                            || !e.getValueFrom().getSecretKeyRef().getName().equals(pg.getMetadata().getName() + "-app")
                            || !e.getValueFrom().getSecretKeyRef().getKey().equals(v.equals("DATABASE_USER") ? "username" : "password")) {
                        problems.add(where + ": " + v + " does not come from CloudNativePG's secret "
                                + pg.getMetadata().getName() + "-app");
                    }
                }
                if (service.equals("admin")) {
                    continue;
                }
                if (!bootstrap.equals(env(c, "KAFKA_BOOTSTRAP_SERVERS"))
                        || !"SASL_SSL".equals(env(c, "SPRING_KAFKA_PROPERTIES_SECURITY_PROTOCOL"))
                        || !"SCRAM-SHA-512".equals(env(c, "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM"))) {
                    problems.add(where + ": not connecting to " + bootstrap + " with SASL_SSL / SCRAM-SHA-512");
                }
                String truststore = env(c, "SPRING_KAFKA_PROPERTIES_SSL_TRUSTSTORE_LOCATION");
                boolean caMounted = truststore != null && c.getVolumeMounts().stream().anyMatch(vm ->
                        truststore.startsWith(vm.getMountPath() + "/") && t.getSpec().getVolumes().stream().anyMatch(v ->
                                v.getName().equals(vm.getName()) && v.getSecret() != null
                                        && v.getSecret().getSecretName().equals(cluster + "-cluster-ca-cert")));
                if (!caMounted) {
                    problems.add(where + ": the truststore " + truststore + " is not Strimzi's cluster CA " + cluster + "-cluster-ca-cert");
                }
                EnvVar jaas = envVar(c, "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG");
                String user = jaas == null || jaas.getValueFrom() == null ? null : jaas.getValueFrom().getSecretKeyRef().getName();
                GenericKubernetesResource kafkaUser = m.custom("KafkaUser").stream()
                        .filter(u -> u.getMetadata().getName().equals(user)).findFirst().orElse(null);
                if (kafkaUser == null || !"sasl.jaas.config".equals(jaas.getValueFrom().getSecretKeyRef().getKey())) {
                    problems.add(where + ": SASL credentials " + user + " are not a KafkaUser's sasl.jaas.config");
                    continue;
                }
                List<String> acls = acls(kafkaUser);
                if (service.equals("ingest")) {
                    need(where, acls, "topic literal " + valueOf(c, service, "AFFIXO_INGEST_ACCEPTED_TOPIC") + " Write", problems);
                } else {
                    String appId = valueOf(c, service, "AFFIXO_PROCESSOR_APPLICATION_ID");
                    need(where, acls, "topic literal " + valueOf(c, service, "AFFIXO_PROCESSOR_ACCEPTED_TOPIC") + " Read", problems);
                    need(where, acls, "topic literal " + valueOf(c, service, "AFFIXO_PROCESSOR_DEAD_LETTER_TOPIC") + " Write", problems);
                    // Streams' internal topics, group and transactional ids (exactly_once_v2) all start with the id
                    for (String type : List.of("topic", "group", "transactionalId")) {
                        need(where, acls, type + " prefix " + appId + " All", problems);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** The renderer against the real thing, where kubectl (which embeds Kustomize) is installed. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void rendererAgreesWithKubectlKustomize(String name) throws Exception {
        assumeTrue(onPath("kubectl"), "kubectl is not installed");
        Process p = new ProcessBuilder("kubectl", "kustomize", OVERLAYS.resolve(name).toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        Map<String, Object> theirs = new TreeMap<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(out)) {
            theirs.put(Kustomize.id(Kustomize.map(doc)), doc);
        }
        Map<String, Object> ours = new TreeMap<>();
        Kustomize.render(OVERLAYS.resolve(name)).forEach(r -> ours.put(Kustomize.id(r), r));
        assertThat(ours).isEqualTo(theirs);
    }

    // --- helpers

    private record Workload(String name, PodTemplateSpec template) {
    }

    private static List<Workload> workloads(Manifests m) {
        List<Workload> out = new ArrayList<>();
        m.all(Deployment.class).forEach(d -> out.add(new Workload("Deployment " + d.getMetadata().getName(), d.getSpec().getTemplate())));
        m.all(StatefulSet.class).forEach(s -> out.add(new Workload("StatefulSet " + s.getMetadata().getName(), s.getSpec().getTemplate())));
        return out;
    }

    private static void lockedDown(String where, PodTemplateSpec template, long user, List<String> problems) {
        var pod = template.getSpec().getSecurityContext();
        if (pod == null || !Boolean.TRUE.equals(pod.getRunAsNonRoot()) || !Objects.equals(pod.getRunAsUser(), user)) {
            problems.add(where + ": the pod must run as non-root user " + user + " (the images' user)");
        }
        for (Container c : template.getSpec().getContainers()) {
            var sc = c.getSecurityContext();
            if (sc == null || !Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())
                    || !Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())
                    || sc.getCapabilities() == null || !sc.getCapabilities().getDrop().contains("ALL")) {
                problems.add(where + ": " + c.getName() + " needs a read-only root fs, no privilege escalation, no capabilities");
            }
            // a read-only root fs leaves the JVM (perf data, native libraries) nowhere to write but /tmp
            boolean tmp = c.getVolumeMounts().stream().anyMatch(vm -> vm.getMountPath().equals("/tmp")
                    && template.getSpec().getVolumes().stream().anyMatch(v -> v.getName().equals(vm.getName()) && v.getEmptyDir() != null));
            if (!tmp) {
                problems.add(where + ": " + c.getName() + " has no emptyDir on /tmp");
            }
        }
    }

    private static void probe(String where, Container c, Probe probe, String path, int port, List<String> problems) {
        HTTPGetAction get = probe == null ? null : probe.getHttpGet();
        if (get == null) {
            problems.add(where + ": no HTTP probe");
            return;
        }
        Integer number = get.getPort().getIntVal() != null ? get.getPort().getIntVal()
                : c.getPorts().stream().filter(p -> get.getPort().getStrVal().equals(p.getName()))
                .map(p -> p.getContainerPort()).findFirst().orElse(null);
        if (!path.equals(get.getPath()) || !Objects.equals(number, port)) {
            problems.add(where + ": probes " + get.getPath() + " on port " + get.getPort() + " (" + number
                    + "), want " + path + " on the management port " + port);
        }
    }

    private static void resources(String where, ResourceRequirements r, List<String> problems) {
        if (r == null || r.getRequests() == null || !r.getRequests().containsKey("cpu") || !r.getRequests().containsKey("memory")
                || r.getLimits() == null || !r.getLimits().containsKey("memory")) {
            problems.add(where + ": needs cpu and memory requests and a memory limit");
            return;
        }
        if (Quantity.getAmountInBytes(r.getLimits().get("memory")).compareTo(Quantity.getAmountInBytes(r.getRequests().get("memory"))) < 0) {
            problems.add(where + ": memory limit below its request");
        }
    }

    private static String serviceOf(Container c) {
        JibImage jib = jibByImage.get(c.getImage());
        if (jib == null) {
            throw new AssertionError(c.getName() + " runs " + c.getImage() + ", not an image Jib builds " + jibByImage.keySet());
        }
        return SERVICE_OF_MODULE.get(jib.module());
    }

    private static EnvVar envVar(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElse(null);
    }

    private static String env(Container c, String name) {
        EnvVar e = envVar(c, name);
        return e == null ? null : e.getValue();
    }

    /** The container's value of a setting, else the README's default for that service. */
    private static String valueOf(Container c, String service, String variable) {
        String value = env(c, variable);
        if (value != null) {
            return value;
        }
        return settings.stream().filter(s -> s.variable().equals(variable) && s.appliesTo(service)).findFirst()
                .map(Setting::defaultValue).orElseThrow(() -> new AssertionError(variable + " is not in the README's table"));
    }

    /** Spring Boot's duration forms: ISO-8601 ({@code PT5S}) or simple ({@code 5s}, {@code 500ms}; no unit = ms). */
    private static Duration duration(String value) {
        if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
            return Duration.parse(value);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)?").matcher(value);
        if (!m.matches()) {
            throw new AssertionError("not a duration: " + value);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "ms" : m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofMillis(n);
        };
    }

    private static Map<String, Object> spec(GenericKubernetesResource r) {
        return Kustomize.map(r.getAdditionalProperties().get("spec"));
    }

    private static GenericKubernetesResource topic(Manifests m, String topicName) {
        List<GenericKubernetesResource> topics = m.custom("KafkaTopic").stream().filter(t -> topicName.equals(
                Objects.requireNonNullElse(spec(t).get("topicName"), t.getMetadata().getName()))).toList();
        assertThat(topics).as(m.overlay + ": a KafkaTopic for " + topicName).hasSize(1);
        return topics.get(0);
    }

    /** "type patternType name Operation" for every ACL of a KafkaUser. */
    private static List<String> acls(GenericKubernetesResource user) {
        List<String> out = new ArrayList<>();
        for (Object o : Kustomize.list(Kustomize.map(spec(user).get("authorization")).get("acls"))) {
            Map<String, Object> acl = Kustomize.map(o);
            Map<String, Object> resource = Kustomize.map(acl.get("resource"));
            for (Object op : Kustomize.list(acl.get("operations"))) {
                out.add(resource.get("type") + " " + Objects.requireNonNullElse(resource.get("patternType"), "literal")
                        + " " + resource.get("name") + " " + op);
            }
        }
        return out;
    }

    private static void need(String where, List<String> acls, String acl, List<String> problems) {
        if (!acls.contains(acl)) {
            problems.add(where + ": its KafkaUser lacks the ACL " + acl);
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
