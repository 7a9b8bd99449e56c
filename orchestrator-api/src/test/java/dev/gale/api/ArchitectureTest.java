package dev.gale.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The import rules of ARCHITECTURE.md, checked on the compiled classes. */
class ArchitectureTest {
    private static final JavaClasses GALE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gale");

    @Test
    void theEngineIsPlainJava() {
        noClasses().that().resideInAPackage("dev.gale.scheduler.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.jooq..", "java.sql..",
                        "javax.sql..", "io.grpc..", "dev.gale.scheduler.store..", "dev.gale.scheduler.service..")
                .check(GALE);
    }

    @Test
    void onlyTheApiModuleUsesSpring() {
        noClasses().that().resideOutsideOfPackage("dev.gale.api..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                .check(GALE);
    }

    @Test
    void theSdkKnowsNothingOfTheServer() {
        noClasses().that().resideInAPackage("dev.gale.sdk..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.gale.scheduler..", "dev.gale.api..",
                        "dev.gale.assets..", "dev.gale.llm..", "org.jooq..", "java.sql..")
                .check(GALE);
    }

    @Test
    void theCliIsAClientOnly() {
        noClasses().that().resideInAPackage("dev.gale.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.gale.scheduler..", "dev.gale.api..",
                        "dev.gale.assets..", "dev.gale.llm..", "dev.gale.worker..", "org.springframework..",
                        "org.jooq..", "java.sql..", "io.grpc..")
                .check(GALE);
    }

    @Test
    void schedulerServicesReachTheDatabaseOnlyThroughTheStore() {
        noClasses().that().resideInAnyPackage("dev.gale.scheduler.service..", "dev.gale.scheduler.loop..")
                .should().dependOnClassesThat().resideInAnyPackage("org.jooq..", "java.sql..", "dev.gale.scheduler.store..")
                .check(GALE);
    }

    @Test
    void restAndGrpcAdaptersHoldNoSql() {
        noClasses().that().resideInAnyPackage("dev.gale.api.rest..", "dev.gale.api.grpc..")
                .should().dependOnClassesThat().resideInAnyPackage("org.jooq..", "java.sql..", "dev.gale.scheduler.store..")
                .check(GALE);
    }

    @Test
    void onlyTheProcessesSetUpTheOpenTelemetrySdk() {
        // The engine, the scheduler, the task SDK and the LLM layer trace through the API; the processes choose the SDK.
        noClasses().that().resideInAnyPackage("dev.gale.scheduler..", "dev.gale.sdk..", "dev.gale.llm..",
                        "dev.gale.assets..")
                .should().dependOnClassesThat().resideInAPackage("io.opentelemetry.sdk..")
                .check(GALE);
    }
}
