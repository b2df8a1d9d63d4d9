package dev.affixo.infra.junit;

import java.util.Locale;

/**
 * THE single place that selects the test infrastructure backend:
 * system property {@value #PROPERTY} or environment variable {@value #ENV} =
 * {@value #EMBEDDED} (default: in-process KRaft Kafka + zonky PostgreSQL) or
 * {@value #TESTCONTAINERS} (Docker: {@code apache/kafka:4.1.2} and {@code postgres:17}).
 */
public final class InfraFactory {

    public static final String PROPERTY = "affixo.test.infra";
    public static final String ENV = "AFFIXO_TEST_INFRA";
    public static final String EMBEDDED = "embedded";
    public static final String TESTCONTAINERS = "testcontainers";

    private InfraFactory() {
    }

    /** The selected backend name, {@value #EMBEDDED} unless configured otherwise. */
    public static String selectedBackend() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(ENV);
        }
        if (value == null || value.isBlank()) {
            return EMBEDDED;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals(EMBEDDED) && !v.equals(TESTCONTAINERS)) {
            throw new IllegalArgumentException("Unknown " + PROPERTY + "/" + ENV + " value '" + value
                    + "'; expected '" + EMBEDDED + "' or '" + TESTCONTAINERS + "'");
        }
        return v;
    }

    /** Starts the selected backend. */
    static ManagedInfra create() {
        return TESTCONTAINERS.equals(selectedBackend())
                ? TestcontainersPipelineInfra.start()   // classes only loaded in this branch
                : EmbeddedPipelineInfra.start();
    }
}
