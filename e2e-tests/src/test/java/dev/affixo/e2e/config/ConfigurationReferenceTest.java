package dev.affixo.e2e.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The README's configuration table cannot go stale: it is checked against the service jars themselves —
 * every field of their {@code @ConfigurationProperties} records and its default, every environment
 * placeholder of their application.yml and its default, and Spring's own relaxed binding for every variable.
 *
 * <p>It lives here because this is the one module that sees both services (as the jars the reactor built
 * before it) while the services never share a classpath.
 */
class ConfigurationReferenceTest {

    private static final Path README = Path.of("..", "README.md").toAbsolutePath().normalize();

    private static List<ConfigurationRow> rows;
    private static List<ServiceConfiguration> services;

    @BeforeAll
    static void read() throws Exception {
        rows = ConfigurationTable.read(README);
        services = List.of(ServiceConfiguration.load("ingest", "ingest-api"),
                ServiceConfiguration.load("processor", "click-processor"));
    }

    @Test
    void everySettingInTheCodeHasARowWithItsDefault() {
        List<String> problems = new ArrayList<>();
        for (ServiceConfiguration service : services) {
            service.codeDefaults.forEach((property, codeDefault) -> {
                List<ConfigurationRow> matching = rows.stream()
                        .filter(r -> r.appliesTo(service.service) && r.property().equals(property)).toList();
                if (matching.size() != 1) {
                    problems.add(property + " (" + service.service + "): " + matching.size() + " rows, want 1 with "
                            + "`" + environmentName(property) + "` | `" + property + "` | " + service.service
                            + " | `" + codeDefault + "`");
                    return;
                }
                ConfigurationRow row = matching.get(0);
                if (!row.variable().equals(environmentName(property))) {
                    problems.add(row + ": the variable of " + property + " is " + environmentName(property));
                }
                // application.yml, when it sets the property, wins over @DefaultValue
                String effective = service.yml.getOrDefault(property, codeDefault);
                if (!row.defaultValue().equals(effective == null ? ConfigurationRow.NONE : effective)) {
                    problems.add(row + ": default " + row.defaultValue() + ", the code's is " + effective);
                }
            });
        }
        assertThat(problems).as("README.md configuration table vs the code").isEmpty();
    }

    @Test
    void everyAffixoVariableInTheTableIsASettingOfItsService() {
        List<String> problems = new ArrayList<>();
        for (ConfigurationRow row : rows) {
            if (!row.variable().startsWith("AFFIXO_")) {
                continue;
            }
            for (ServiceConfiguration service : servicesOf(row)) {
                if (!service.codeDefaults.containsKey(row.property())) {
                    problems.add(row + ": " + service.service + " has no setting " + row.property()
                            + " (no field of its @ConfigurationProperties records)");
                }
            }
        }
        assertThat(problems).as("README.md configuration table vs the code").isEmpty();
    }

    @Test
    void everyOtherVariableReachesItsPropertyWithTheDefaultTheTableGives() {
        List<String> problems = new ArrayList<>();
        for (ConfigurationRow row : rows) {
            if (row.variable().startsWith("AFFIXO_")) {
                continue;
            }
            for (ServiceConfiguration service : servicesOf(row)) {
                List<ServiceConfiguration.Placeholder> placeholders = service.placeholders.stream()
                        .filter(p -> p.variable().equals(row.variable())).toList();
                if (!placeholders.isEmpty()) {
                    for (ServiceConfiguration.Placeholder p : placeholders) {
                        String placeholderDefault = p.defaultValue() == null ? ConfigurationRow.NONE : p.defaultValue();
                        if (!p.property().equals(row.property()) || !placeholderDefault.equals(row.defaultValue())) {
                            problems.add(row + ": " + service.service + "'s application.yml has " + p.property()
                                    + ": ${" + p.variable() + ":" + p.defaultValue() + "}, the table says "
                                    + row.property() + " with default " + row.defaultValue());
                        }
                    }
                    continue;
                }
                // No placeholder: a property Spring Boot declares, which the variable reaches by relaxed binding.
                String declared = row.isFamily() ? row.property().substring(0, row.property().length() - 2)
                        : row.property();
                if (!service.libraryProperties.contains(declared)) {
                    problems.add(row + ": " + declared + " is not a property the libraries of " + service.service
                            + " declare (spring-configuration-metadata.json)");
                }
                if (!bindsTo(row)) {
                    problems.add(row + " does not bind to " + row.property() + " (relaxed binding), and "
                            + service.service + "'s application.yml has no ${" + row.variable() + "}");
                }
                if (row.isFamily()) {
                    continue;
                }
                String set = service.yml.get(row.property());
                if (set != null ? !set.equals(row.defaultValue()) : row.hasDefault()) {
                    problems.add(row + ": default " + row.defaultValue() + ", but " + service.service
                            + "'s application.yml " + (set == null ? "does not set " + row.property()
                            + " (write the default there, so it can be checked)" : "sets " + set));
                }
            }
        }
        assertThat(problems).as("README.md configuration table vs application.yml").isEmpty();
    }

    @Test
    void everyEnvironmentPlaceholderOfTheServicesHasARow() {
        List<String> problems = new ArrayList<>();
        for (ServiceConfiguration service : services) {
            for (ServiceConfiguration.Placeholder p : service.placeholders) {
                boolean listed = rows.stream()
                        .anyMatch(r -> r.appliesTo(service.service) && r.variable().equals(p.variable()));
                if (!listed) {
                    problems.add(service.service + " reads ${" + p.variable() + "} (" + p.property()
                            + ") and the table has no row for it");
                }
            }
        }
        assertThat(problems).as("application.yml vs README.md configuration table").isEmpty();
    }

    @Test
    void noVariableHasTwoRowsForOneService() {
        Set<String> seen = new HashSet<>();
        List<String> twice = new ArrayList<>();
        for (ConfigurationRow row : rows) {
            for (ServiceConfiguration service : servicesOf(row)) {
                if (!seen.add(row.variable() + "@" + service.service)) {
                    twice.add(row + " for " + service.service);
                }
            }
        }
        assertThat(twice).isEmpty();
    }

    /** {@code affixo.ingest.max-body-bytes} → {@code AFFIXO_INGEST_MAX_BODY_BYTES}. */
    static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Whether Spring Boot, given only this environment variable, sees a value for the row's property. */
    private static boolean bindsTo(ConfigurationRow row) {
        String variable = row.isFamily() ? row.variable().replace("*", "SOME_KEY") : row.variable();
        String property = row.isFamily() ? row.property().replace("*", "some-key") : row.property();
        if (row.isFamily() != row.property().endsWith(".*")) {
            return false;
        }
        SystemEnvironmentPropertySource environment = new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "x"));
        for (ConfigurationPropertySource source : ConfigurationPropertySources.from(environment)) {
            if (source.getConfigurationProperty(ConfigurationPropertyName.of(property)) != null) {
                return true;
            }
        }
        return false;
    }

    private static List<ServiceConfiguration> servicesOf(ConfigurationRow row) {
        return services.stream().filter(s -> row.appliesTo(s.service)).toList();
    }
}
