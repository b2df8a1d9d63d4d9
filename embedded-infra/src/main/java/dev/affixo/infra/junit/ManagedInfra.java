package dev.affixo.infra.junit;

/** A {@link PipelineInfra} whose lifecycle is owned by {@link PipelineInfraExtension}. */
interface ManagedInfra extends PipelineInfra, AutoCloseable {

    /** Idempotent. */
    @Override
    void close();
}
