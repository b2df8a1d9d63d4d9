package dev.affixo.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** What the checks hold the manifests against, read from the repository's own files. */
final class Repository {

    static final Path ROOT = findRoot();

    private Repository() {
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/kubernetes"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/kubernetes above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** One row of the README's configuration table: the variable, which service reads it, its default. */
    record Setting(String variable, String service, String defaultValue) {

        boolean appliesTo(String svc) {
            return service.equals("both") || service.equals(svc);
        }

        /** {@code SPRING_KAFKA_STREAMS_PROPERTIES_*} stands for every variable with that prefix. */
        boolean names(String name) {
            return variable.endsWith("_*") ? name.startsWith(variable.substring(0, variable.length() - 1))
                    && name.length() > variable.length() - 1 : variable.equals(name);
        }
    }

    /**
     * The README's configuration table ("| variable | property | service | default | meaning |"), the reference
     * of every variable the services read. e2e-tests' ConfigurationReferenceTest holds the table against the
     * code; this reads only the columns the manifests need.
     */
    static List<Setting> readmeSettings() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
        int header = lines.stream().map(String::trim).toList().indexOf("| variable | property | service | default | meaning |");
        if (header < 0) {
            throw new IllegalStateException("README.md has no configuration table");
        }
        List<Setting> settings = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).trim().startsWith("|"); i++) {
            String[] cells = lines.get(i).trim().split("(?<!\\\\)\\|");
            settings.add(new Setting(unquote(cells[1]), cells[3].trim(), unquote(cells[4])));
        }
        return settings;
    }

    /** Variables named in backticks in a document, e.g. docs/admin-cli.md's `DATABASE_URL`. */
    static Set<String> variablesNamedIn(String document) throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("`([A-Z][A-Z0-9_]+)`").matcher(Files.readString(ROOT.resolve(document)));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String unquote(String cell) {
        String s = cell.trim();
        return s.startsWith("`") && s.endsWith("`") ? s.substring(1, s.length() - 1) : s;
    }

    /** What a module's Jib configuration builds: image name, main class and ports, resolved as Maven would. */
    record JibImage(String module, String image, String mainClass, List<Integer> ports, List<String> jvmFlags) {
    }

    /**
     * The root pom's pluginManagement holds the shared Jib configuration (image name pattern, user, JVM flags),
     * each module's pom its own part (main class, ports, and flags where it overrides them).
     */
    static JibImage jibImage(String module) throws Exception {
        Document root = pom(ROOT.resolve("pom.xml"));
        Document modulePom = pom(ROOT.resolve(module).resolve("pom.xml"));
        Element shared = jibPlugin(root);
        Element own = jibPlugin(modulePom);
        if (shared == null || own == null) {
            throw new IllegalStateException(module + ": no jib-maven-plugin in the root pom or the module's pom");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("project.version", text(root.getDocumentElement(), "version"));
        properties.put("project.artifactId", text(modulePom.getDocumentElement(), "artifactId"));
        collectProperties(root, properties);
        collectProperties(modulePom, properties);
        String image = resolve(text(element(shared, "configuration", "to"), "image"), properties);
        Element ownContainer = element(own, "configuration", "container");
        String mainClass = resolve(text(ownContainer, "mainClass"), properties);
        List<Integer> ports = new ArrayList<>();
        for (String p : texts(element(ownContainer, "ports"), "port")) {
            ports.add(Integer.parseInt(p));
        }
        // Maven merges plugin configuration element by element: the module's <jvmFlags>, if any, replaces the shared one
        Element flagsOwner = element(ownContainer, "jvmFlags") != null ? ownContainer
                : element(shared, "configuration", "container");
        List<String> flags = texts(element(flagsOwner, "jvmFlags"), "jvmFlag");
        return new JibImage(module, image, mainClass, ports, flags);
    }

    /** The user the images run as (root pom, shared Jib configuration). */
    static String jibUser() throws Exception {
        return text(element(jibPlugin(pom(ROOT.resolve("pom.xml"))), "configuration", "container"), "user");
    }

    private static Document pom(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    private static Element jibPlugin(Document pom) {
        NodeList plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if ("jib-maven-plugin".equals(text(plugin, "artifactId"))) {
                return plugin;
            }
        }
        return null;
    }

    private static void collectProperties(Document pom, Map<String, String> into) {
        Element props = element(pom.getDocumentElement(), "properties");
        if (props == null) {
            return;
        }
        for (Node n = props.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                into.put(e.getTagName(), e.getTextContent().trim());
            }
        }
    }

    private static String resolve(String value, Map<String, String> properties) {
        if (value == null) {
            return null;
        }
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = properties.get(m.group(1));
            if (v == null) {
                throw new IllegalStateException("unknown property ${" + m.group(1) + "} in " + value);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        return m.appendTail(out).toString();
    }

    /** The direct child elements along {@code path}, or null. */
    private static Element element(Element from, String... path) {
        Element current = from;
        for (String name : path) {
            if (current == null) {
                return null;
            }
            Element next = null;
            for (Node n = current.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals(name)) {
                    next = e;
                }
            }
            current = next;
        }
        return current;
    }

    private static String text(Element parent, String child) {
        Element e = element(parent, child);
        return e == null ? null : e.getTextContent().trim();
    }

    private static List<String> texts(Element parent, String child) {
        List<String> out = new ArrayList<>();
        if (parent != null) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals(child)) {
                    out.add(e.getTextContent().trim());
                }
            }
        }
        return out;
    }
}
