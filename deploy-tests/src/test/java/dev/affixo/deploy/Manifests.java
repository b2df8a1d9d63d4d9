package dev.affixo.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One rendered overlay, every resource parsed: built-in kinds into fabric8's typed models, Strimzi and
 * CloudNativePG kinds into {@link GenericKubernetesResource}s. {@link #problems} lists every field that the
 * kind does not have: fabric8's models keep unknown fields in {@code additionalProperties} instead of failing
 * (so FAIL_ON_UNKNOWN_PROPERTIES alone would never fire), hence the walk over them; custom resources are held
 * against the fields listed in {@code crd-fields.yaml}, taken from the Strimzi (v1beta2) and CloudNativePG (v1)
 * API references.
 */
final class Manifests {

    /** The built-in kinds deploy/kubernetes may use, each with its apiVersion and model. */
    private static final Map<String, Class<? extends HasMetadata>> TYPED = Map.of(
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "batch/v1/Job", Job.class);

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    final String overlay;
    final List<HasMetadata> resources = new ArrayList<>();
    final List<String> problems = new ArrayList<>();

    private Manifests(String overlay) {
        this.overlay = overlay;
    }

    /** The overlay, plus the one-shot Jobs in {@code extraFiles} that are applied beside it on demand. */
    static Manifests render(Path overlayDir, Path... extraFiles) throws IOException {
        Manifests manifests = new Manifests(overlayDir.getFileName().toString());
        Map<String, Set<String>> crdFields = crdFields();
        List<Map<String, Object>> all = new ArrayList<>(Kustomize.render(overlayDir));
        for (Path extra : extraFiles) {
            all.addAll(Kustomize.documents(extra));
        }
        for (Map<String, Object> raw : all) {
            String type = raw.get("apiVersion") + "/" + raw.get("kind");
            String where = manifests.overlay + ": " + Kustomize.id(raw);
            Class<? extends HasMetadata> model = TYPED.get(type);
            if (model != null) {
                HasMetadata typed;
                try {
                    typed = JSON.convertValue(raw, model);
                } catch (IllegalArgumentException e) {
                    manifests.problems.add(where + ": does not parse as " + model.getSimpleName() + ": " + e.getMessage());
                    continue;
                }
                unknownFields(typed, "", where, manifests.problems);
                manifests.resources.add(typed);
            } else if (crdFields.containsKey(type)) {
                Set<String> allowed = crdFields.get(type);
                for (String path : paths(raw, "")) {
                    if (!allowedPath(allowed, path)) {
                        manifests.problems.add(where + ": unknown field " + path + " (crd-fields.yaml)");
                    }
                }
                manifests.resources.add(JSON.convertValue(raw, GenericKubernetesResource.class));
            } else {
                manifests.problems.add(where + ": no model for " + type
                        + " (a typed fabric8 model in Manifests.TYPED, or its fields in crd-fields.yaml)");
            }
        }
        return manifests;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        List<T> found = all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError(overlay + ": want one " + type.getSimpleName() + " " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    List<GenericKubernetesResource> custom(String kind) {
        return resources.stream().filter(r -> r instanceof GenericKubernetesResource && r.getKind().equals(kind))
                .map(GenericKubernetesResource.class::cast).toList();
    }

    /** Every non-empty {@code additionalProperties} in a fabric8 model: a field the kind does not have. */
    static void unknownFields(Object o, String path, String where, List<String> problems) {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object element : c) {
                unknownFields(element, path + "[" + i++ + "]", where, problems);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, where, problems));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class || Modifier.isStatic(getter.getModifiers())) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(getter.toString(), e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(where + ": unknown field" + (extra.size() > 1 ? "s " : " ")
                            + extra.keySet().stream().map(k -> path.isEmpty() ? String.valueOf(k) : path.substring(1) + "." + k)
                            .collect(Collectors.joining(", ")));
                }
            } else {
                String property = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
                unknownFields(value, path + "." + property, where, problems);
            }
        }
    }

    /** {@code spec.listeners[].name}-style paths of every leaf (an empty map or list is a leaf too). */
    static Set<String> paths(Object o, String path) {
        Set<String> out = new TreeSet<>();
        if (o instanceof Map<?, ?> m && !m.isEmpty()) {
            m.forEach((k, v) -> out.addAll(paths(v, path.isEmpty() ? String.valueOf(k) : path + "." + k)));
        } else if (o instanceof List<?> l && !l.isEmpty()) {
            l.forEach(v -> out.addAll(paths(v, path + "[]")));
        } else {
            out.add(path);
        }
        return out;
    }

    /** {@code a.b} allows exactly that path; {@code a.*} allows any path below {@code a} (free-form maps). */
    private static boolean allowedPath(Set<String> allowed, String path) {
        if (allowed.contains(path)) {
            return true;
        }
        for (String a : allowed) {
            if (a.endsWith(".*") && path.startsWith(a.substring(0, a.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Set<String>> crdFields() throws IOException {
        try (InputStream in = Manifests.class.getResourceAsStream("/crd-fields.yaml")) {
            Map<String, List<String>> raw = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return raw.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
        }
    }
}
