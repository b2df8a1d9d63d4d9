package dev.affixo.e2e.config;

import dev.affixo.infra.process.ServiceProcess;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one service jar says about its configuration, read from the jar itself (the artifact that ships):
 * every field of its own {@code @ConfigurationProperties} records with its {@code @DefaultValue}, its
 * {@code application.yml}, flattened the way Spring Boot loads it, with its {@code ${VARIABLE:default}}
 * placeholders, and the names of the properties Spring Boot's own libraries in the jar declare.
 */
final class ServiceConfiguration {

    private static final String CLASSES = "BOOT-INF/classes/";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");

    /** {@code ${VARIABLE:default}} in the value of {@code property}; {@code defaultValue} null when there is none. */
    record Placeholder(String variable, String property, String defaultValue) {
    }

    final String service;
    /** property → its {@code @DefaultValue} (null: none), for every field of the service's own settings records. */
    final Map<String, String> codeDefaults;
    /** application.yml, flattened: property → value as written. */
    final Map<String, String> yml;
    final List<Placeholder> placeholders;
    /** Properties declared in the {@code META-INF/spring-configuration-metadata.json} of the jar's libraries. */
    final Set<String> libraryProperties;

    private ServiceConfiguration(String service, Map<String, String> codeDefaults, Map<String, String> yml,
                                 Set<String> libraryProperties) {
        this.service = service;
        this.codeDefaults = codeDefaults;
        this.yml = yml;
        this.libraryProperties = libraryProperties;
        this.placeholders = new ArrayList<>();
        yml.forEach((property, value) -> {
            Matcher m = PLACEHOLDER.matcher(value);
            while (m.find()) {
                placeholders.add(new Placeholder(m.group(1), property, m.group(2)));
            }
        });
    }

    /** {@code ../<module>/target/<module>.jar}, as packaged by the reactor before this module's tests. */
    static ServiceConfiguration load(String service, String module) throws IOException, ReflectiveOperationException {
        Path jar = Path.of("..", module, "target", module + ".jar").toAbsolutePath().normalize();
        ServiceProcess.jar(jar); // fails with "build it first" when missing
        try (JarFile file = new JarFile(jar.toFile())) {
            return new ServiceConfiguration(service, codeDefaults(jar, file), yml(file), libraryProperties(file));
        }
    }

    private static Map<String, String> codeDefaults(Path jar, JarFile file)
            throws IOException, ReflectiveOperationException {
        Map<String, String> defaults = new LinkedHashMap<>();
        MetadataReaderFactory metadata = new SimpleMetadataReaderFactory();
        URL classes = URI.create("jar:" + jar.toUri() + "!/" + CLASSES).toURL();
        // Parent-first: Spring's annotations come from this test's classpath, the service's classes from its jar.
        ClassLoader parent = ServiceConfiguration.class.getClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, parent)) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (!name.startsWith(CLASSES + "dev/affixo/") || !name.endsWith(".class")) {
                    continue;
                }
                byte[] bytes = file.getInputStream(file.getJarEntry(name)).readAllBytes();
                Map<String, Object> annotation = metadata.getMetadataReader(new ByteArrayResource(bytes))
                        .getAnnotationMetadata().getAnnotationAttributes(ConfigurationProperties.class.getName());
                if (annotation == null) {
                    continue;
                }
                String prefix = String.valueOf(annotation.get("prefix"));
                String className = name.substring(CLASSES.length(), name.length() - ".class".length())
                        .replace('/', '.');
                defaults.putAll(fields(loader.loadClass(className), prefix));
            }
        }
        if (defaults.isEmpty()) {
            throw new IllegalStateException(jar + " has no @ConfigurationProperties record under dev.affixo");
        }
        return defaults;
    }

    /** {@code <prefix>.<kebab-case component>} → {@code @DefaultValue} of the canonical constructor's parameter. */
    private static Map<String, String> fields(Class<?> type, String prefix) throws NoSuchMethodException {
        if (!type.isRecord()) {
            throw new IllegalStateException(type + ": only @ConfigurationProperties records are read; make it one "
                    + "or teach " + ServiceConfiguration.class.getSimpleName() + " to read it");
        }
        RecordComponent[] components = type.getRecordComponents();
        Constructor<?> canonical = type.getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        Parameter[] parameters = canonical.getParameters();
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < components.length; i++) {
            DefaultValue value = parameters[i].getAnnotation(DefaultValue.class);
            fields.put(prefix + "." + kebab(components[i].getName()),
                    value == null ? null : String.join(",", value.value()));
        }
        return fields;
    }

    private static Map<String, String> yml(JarFile file) throws IOException {
        JarEntry entry = file.getJarEntry(CLASSES + "application.yml");
        if (entry == null) {
            throw new IllegalStateException(file.getName() + " has no application.yml");
        }
        byte[] bytes = file.getInputStream(entry).readAllBytes();
        Map<String, String> flat = new LinkedHashMap<>();
        List<PropertySource<?>> sources = new YamlPropertySourceLoader()
                .load("application.yml", new ByteArrayResource(bytes));
        for (PropertySource<?> source : sources) {
            EnumerablePropertySource<?> enumerable = (EnumerablePropertySource<?>) source;
            for (String name : enumerable.getPropertyNames()) {
                flat.put(name, String.valueOf(enumerable.getProperty(name)));
            }
        }
        return flat;
    }

    private static Set<String> libraryProperties(JarFile file) throws IOException {
        Set<String> names = new HashSet<>();
        for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
            JarEntry library = entries.nextElement();
            if (!library.getName().startsWith("BOOT-INF/lib/") || !library.getName().endsWith(".jar")) {
                continue;
            }
            try (JarInputStream in = new JarInputStream(file.getInputStream(library))) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    if (e.getName().equals("META-INF/spring-configuration-metadata.json")) {
                        JSON.readTree(in.readAllBytes()).path("properties")
                                .forEach(p -> names.add(p.path("name").asString()));
                    }
                }
            }
        }
        return names;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
