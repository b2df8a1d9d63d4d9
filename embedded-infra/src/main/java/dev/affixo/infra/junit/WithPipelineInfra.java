package dev.affixo.infra.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts (once per JVM) a real Kafka broker and PostgreSQL database for the annotated test class and
 * lets tests receive a {@link PipelineInfra} parameter (constructor, {@code @BeforeAll}, test methods).
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PipelineInfraExtension.class)
public @interface WithPipelineInfra {
}
