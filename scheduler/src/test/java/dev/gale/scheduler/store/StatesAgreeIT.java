package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The states of runs and task instances are written down in several places that no compiler links:
 * the engine's enums, the database's CHECK constraints, the web UI's summary order, colours and badge
 * styles, and the CLI's idea of a finished task. A state added in one place and forgotten in another
 * shows up as a row the database refuses, a grey box in the graph or a CLI that waits forever.
 */
class StatesAgreeIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern QUOTED = Pattern.compile("'([a-z_]+)'");
    private static DataSource dataSource;

    @BeforeAll
    static void migrate() {
        dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
    }

    @Test
    void theDatabaseAllowsExactlyTheEnginesStates() {
        assertThat(checkedValues("dag_run", "state")).isEqualTo(wireNames(DagRunState.values()));
        assertThat(checkedValues("task_instance", "state")).isEqualTo(wireNames(TaskInstanceState.values()));
    }

    @Test
    void theWebUiKnowsEveryState() throws IOException {
        Set<String> all = new LinkedHashSet<>(wireNames(TaskInstanceState.values()));
        all.addAll(wireNames(DagRunState.values()));
        String ui = read("orchestrator-api/src/main/resources/static/ui/ui.js");
        assertThat(quoted(between(ui, "STATE_PRIORITY = [", "]"))).as("ui.js STATE_PRIORITY").isEqualTo(all);
        String graph = read("orchestrator-api/src/main/resources/static/ui/graph.js");
        assertThat(keys(between(graph, "STATE_COLOURS = {", "}"))).as("graph.js STATE_COLOURS").isEqualTo(all);
        String css = read("orchestrator-api/src/main/resources/static/ui/gale.css");
        Set<String> styled = Pattern.compile("\\.state-([a-z_]+)\\s*\\{").matcher(css).results()
                .map(m -> m.group(1)).collect(Collectors.toSet());
        assertThat(styled).as("gale.css .state-* badge styles").containsAll(all);
    }

    @Test
    void theCliCountsATaskAsDoneExactlyWhenTheEngineDoes() throws IOException {
        String runs = read("cli/src/main/java/dev/gale/cli/RunsCommand.java");
        Set<String> done = Arrays.stream(TaskInstanceState.values()).filter(TaskInstanceState::isFinished)
                .map(TaskInstanceState::wireName).collect(Collectors.toSet());
        assertThat(quotedDouble(between(runs, "DONE = Set.of(", ")"))).isEqualTo(done);
    }

    /** The values a column's CHECK constraint allows, read from PostgreSQL's catalogue after migration. */
    private static Set<String> checkedValues(String table, String column) {
        String definition = DSL.using(dataSource, SQLDialect.POSTGRES).fetchSingle("""
                select pg_get_constraintdef(c.oid) from pg_constraint c
                join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
                where c.contype = 'c' and c.conrelid = ?::regclass and a.attname = ?""", "gale." + table, column)
                .get(0, String.class);
        return quoted(definition).stream().sorted().collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static Set<String> wireNames(Enum<?>[] states) {
        return Arrays.stream(states).map(s -> s.name().toLowerCase(Locale.ROOT)).sorted()
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static Set<String> quoted(String text) {
        return QUOTED.matcher(text).results().map(m -> m.group(1)).sorted()
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static Set<String> quotedDouble(String text) {
        return Pattern.compile("\"([a-z_]+)\"").matcher(text).results().map(m -> m.group(1))
                .collect(Collectors.toSet());
    }

    private static Set<String> keys(String objectLiteral) {
        return Pattern.compile("([a-z_]+)\\s*:").matcher(objectLiteral).results().map(m -> m.group(1)).sorted()
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("'%s' in the file", start).isNotNegative();
        return text.substring(from + start.length(), text.indexOf(end, from + start.length()));
    }

    private static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path));
    }
}
