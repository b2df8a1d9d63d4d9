package dev.affixo.processor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Kafka's {@code internals} packages change without notice between releases (the last pending-rows buffer hung
 * on {@code CachedStateStore}, which KIP-1035 reworks): main code uses public APIs only.
 */
class PublicApiOnlyTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.affixo");

    @Test
    void mainCodeDependsOnNoKafkaInternals() {
        noClasses().that().resideInAPackage("dev.affixo..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..internals..")
                .check(MAIN);
    }
}
