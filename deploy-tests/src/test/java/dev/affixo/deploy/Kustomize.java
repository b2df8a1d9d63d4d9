package dev.affixo.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The part of Kustomize that deploy/kubernetes uses, and nothing more, so the test needs no kustomize binary:
 * <ul>
 *   <li>{@code resources}: YAML files (every document in them) and directories holding a kustomization.yaml,
 *       rendered first;</li>
 *   <li>{@code patches} with a {@code path}: each document names its target by apiVersion, kind and
 *       metadata.name. Built-in kinds get a strategic merge: maps merge, and the lists Kubernetes merges by key
 *       ({@link #MERGE_KEYS}) merge element by element; every other list is replaced. Custom resources (Strimzi,
 *       CloudNativePG) get a JSON merge patch (RFC 7386): maps merge, lists are replaced, null removes, as
 *       Kustomize does for kinds it has no schema for.</li>
 * </ul>
 * Any other kustomization field, a {@code $patch} directive, a patch that matches nothing or two resources with
 * one kind and name is an error, not something silently ignored. {@code DeployManifestsTest} also compares
 * the result with {@code kubectl kustomize} where kubectl is installed.
 */
final class Kustomize {

    private static final Set<String> KNOWN_FIELDS = Set.of("apiVersion", "kind", "resources", "patches");
    /** Kubernetes' patchMergeKey of the list fields our patches touch (core/v1 PodSpec and Container). */
    private static final Map<String, String> MERGE_KEYS = Map.of(
            "containers", "name", "initContainers", "name", "env", "name", "volumes", "name",
            "volumeMounts", "mountPath", "ports", "containerPort");
    /** API groups whose kinds Kustomize knows the schema of (built-in). */
    private static final Set<String> BUILT_IN_API_VERSIONS =
            Set.of("v1", "apps/v1", "batch/v1", "autoscaling/v2", "policy/v1");

    private Kustomize() {
    }

    /** Renders the kustomization in {@code dir}; each resource is a map as YAML gives it. */
    static List<Map<String, Object>> render(Path dir) throws IOException {
        Map<String, Object> kustomization = onlyDocument(dir.resolve("kustomization.yaml"));
        for (String field : kustomization.keySet()) {
            if (!KNOWN_FIELDS.contains(field)) {
                throw new IllegalStateException(dir + "/kustomization.yaml: `" + field
                        + "` is not supported by this renderer (resources, patches only)");
            }
        }
        List<Map<String, Object>> resources = new ArrayList<>();
        for (Object entry : list(kustomization.get("resources"))) {
            Path path = dir.resolve((String) entry).normalize();
            List<Map<String, Object>> loaded = Files.isDirectory(path) ? render(path) : documents(path);
            for (Map<String, Object> resource : loaded) {
                if (find(resources, resource) != null) {
                    throw new IllegalStateException(path + ": " + id(resource) + " is defined twice");
                }
                resources.add(resource);
            }
        }
        for (Object entry : list(kustomization.get("patches"))) {
            Map<String, Object> patchEntry = map(entry);
            if (!patchEntry.keySet().equals(Set.of("path"))) {
                throw new IllegalStateException(dir + ": a patch must have exactly `path`, got " + patchEntry.keySet());
            }
            Path path = dir.resolve((String) patchEntry.get("path"));
            for (Map<String, Object> patch : documents(path)) {
                Map<String, Object> target = find(resources, patch);
                if (target == null) {
                    throw new IllegalStateException(path + ": patch for " + id(patch) + " matches no resource");
                }
                boolean builtIn = BUILT_IN_API_VERSIONS.contains(String.valueOf(patch.get("apiVersion")));
                resources.set(resources.indexOf(target), merge(target, patch, builtIn, id(patch)));
            }
        }
        return resources;
    }

    static String id(Map<String, Object> resource) {
        return resource.get("apiVersion") + "/" + resource.get("kind") + " " + name(resource);
    }

    static String name(Map<String, Object> resource) {
        return String.valueOf(map(resource.get("metadata")).get("name"));
    }

    private static Map<String, Object> find(List<Map<String, Object>> resources, Map<String, Object> wanted) {
        for (Map<String, Object> r : resources) {
            if (Objects.equals(r.get("apiVersion"), wanted.get("apiVersion")) && Objects.equals(r.get("kind"), wanted.get("kind"))
                    && name(r).equals(name(wanted))) {
                return r;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> patch, boolean strategic, String where) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (key.startsWith("$")) {
                throw new IllegalStateException(where + ": directive " + key + " is not supported by this renderer");
            }
            Object current = out.get(key);
            if (value == null) {
                out.remove(key);
            } else if (value instanceof Map && current instanceof Map) {
                out.put(key, merge((Map<String, Object>) current, (Map<String, Object>) value, strategic, where + "." + key));
            } else if (strategic && MERGE_KEYS.containsKey(key) && value instanceof List && current instanceof List) {
                out.put(key, mergeList((List<Object>) current, (List<Object>) value, MERGE_KEYS.get(key), where + "." + key));
            } else {
                out.put(key, value);
            }
        }
        return out;
    }

    /**
     * Strategic merge of a keyed list: an element whose key is in the base merges with it, a new one is added.
     * The order is Kustomize's: the patch's elements first, in the patch's order, then the base's others.
     */
    @SuppressWarnings("unchecked")
    private static List<Object> mergeList(List<Object> base, List<Object> patch, String mergeKey, String where) {
        List<Object> out = new ArrayList<>();
        List<Object> rest = new ArrayList<>(base);
        for (Object element : patch) {
            Object key = map(element).get(mergeKey);
            if (key == null) {
                throw new IllegalStateException(where + ": list element without its merge key " + mergeKey);
            }
            Object original = rest.stream().filter(b -> key.equals(map(b).get(mergeKey))).findFirst().orElse(null);
            if (original == null) {
                out.add(element);
            } else {
                rest.remove(original);
                out.add(merge((Map<String, Object>) original, (Map<String, Object>) element, true,
                        where + "[" + mergeKey + "=" + key + "]"));
            }
        }
        out.addAll(rest);
        return out;
    }

    static List<Map<String, Object>> documents(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
                if (doc != null) {
                    docs.add(map(doc));
                }
            }
        }
        return docs;
    }

    private static Map<String, Object> onlyDocument(Path file) throws IOException {
        List<Map<String, Object>> docs = documents(file);
        if (docs.size() != 1) {
            throw new IllegalStateException(file + ": want one document, got " + docs.size());
        }
        return docs.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        if (!(o instanceof Map)) {
            throw new IllegalStateException("not a map: " + o);
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }
}
