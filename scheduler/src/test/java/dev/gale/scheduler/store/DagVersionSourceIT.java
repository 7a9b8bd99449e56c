package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.DagVersion;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.testing.TestPostgres;
import java.util.List;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/** A DAG whose task moved to another line keeps its version, which then shows the new line. */
class DagVersionSourceIT {
    private static Dag declared() {
        DagBuilder d = Dag.builder("moving");
        d.task("only", ctx -> null);
        return d.build();
    }

    private static Dag declaredFurtherDown() {
        DagBuilder d = Dag.builder("moving");

        d.task("only", ctx -> null);
        return d.build();
    }

    @Test
    void movingATasksLineMakesNoNewVersionAndTheVersionShowsTheNewLine() {
        DataSource dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        var dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        JooqRunHistory history = new JooqRunHistory(dsl);
        DagService dags = new DagService(new JooqSchedulerStore(dsl, new MovableClock()), new JooqAssetRegistry(dsl),
                history);
        Dag before = declared();
        Dag after = declaredFurtherDown();

        dags.sync(List.of(before));
        dags.sync(List.of(after));

        List<DagVersion> versions = dags.versions("moving");
        assertThat(versions).hasSize(1);
        assertThat(versions.getFirst().spec().tasks().getFirst().source())
                .isEqualTo(after.spec().tasks().getFirst().source())
                .isNotEqualTo(before.spec().tasks().getFirst().source());
    }
}
