package dev.gale.worker.cpu;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** A worker reaches the server only through the TEI: no scheduler and no database library on its classpath. */
class WorkerIsolationTest {

    @Test
    void noDatabaseDriverOrSchedulerIsOnTheWorkersClasspath() {
        assertThatThrownBy(() -> Class.forName("org.postgresql.Driver")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.jooq.DSLContext")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("dev.gale.scheduler.service.SchedulerStore"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void workerCodeUsesNoJdbc() {
        noClasses().that().resideInAnyPackage("dev.gale.worker..", "dev.gale.sdk..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..")
                .check(new ClassFileImporter().importPackages("dev.gale.worker", "dev.gale.sdk"));
    }
}
