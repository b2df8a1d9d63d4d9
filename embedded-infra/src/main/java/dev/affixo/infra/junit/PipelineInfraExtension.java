package dev.affixo.infra.junit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts Kafka and PostgreSQL once per JVM (lazily, on first use) and resolves {@link PipelineInfra}
 * parameters. The infrastructure is closed when the JUnit root context closes (end of the test run),
 * with a JVM shutdown hook as a fallback (e.g. when only {@link #shared()} was used).
 *
 * <p>Backend selection: see {@link InfraFactory}.
 */
public final class PipelineInfraExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PipelineInfraExtension.class);
    private static final String KEY = "pipeline-infra";

    private static ManagedInfra instance;
    private static boolean shutdownHookRegistered;

    /**
     * The per-JVM infrastructure, started on first call. For static contexts without JUnit parameters,
     * e.g. Spring {@code @DynamicPropertySource} methods:
     * <pre>{@code
     * @DynamicPropertySource
     * static void infra(DynamicPropertyRegistry r) {
     *     PipelineInfraExtension.shared().springProperties().forEach((k, v) -> r.add(k, () -> v));
     * }
     * }</pre>
     */
    public static synchronized PipelineInfra shared() {
        if (instance == null) {
            instance = InfraFactory.create();
            if (!shutdownHookRegistered) {
                shutdownHookRegistered = true;
                Runtime.getRuntime().addShutdownHook(
                        new Thread(PipelineInfraExtension::closeShared, "affixo-pipeline-infra-shutdown"));
            }
        }
        return instance;
    }

    private static synchronized void closeShared() {
        if (instance != null) {
            ManagedInfra toClose = instance;
            instance = null;
            toClose.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        infra(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == PipelineInfra.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        try {
            return infra(extensionContext);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("Could not start pipeline infrastructure", e);
        }
    }

    private static PipelineInfra infra(ExtensionContext context) {
        PipelineInfra infra = shared();
        // Registered once in the root store: closed when the whole test run ends.
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(KEY, k -> new RootCloser(), RootCloser.class);
        return infra;
    }

    /** Closes the shared infrastructure when the JUnit root context closes. */
    @SuppressWarnings("deprecation")
    private static final class RootCloser implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            closeShared();
        }
    }
}
