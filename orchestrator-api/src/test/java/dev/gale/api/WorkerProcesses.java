package dev.gale.api;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Real worker processes for tests: the executable jars the reactor packaged
 * ({@code worker-cpu/target/gale-worker.jar}, {@code worker-gpu/target/gale-worker-gpu.jar}), given a DAG
 * bundle jar made from {@link TestDags}.
 */
final class WorkerProcesses implements AutoCloseable {
    private final Path dir;
    private final Path bundle;
    private final List<Process> started = new ArrayList<>();

    WorkerProcesses(Path dir) {
        this.dir = dir;
        this.bundle = testBundleJar(dir.resolve("test-dags.jar"));
    }

    /** The jar of the test DAGs that the worker processes load. */
    Path bundle() {
        return bundle;
    }

    static Path workerJar() {
        return packagedJar("worker-cpu", "gale-worker.jar");
    }

    static Path packagedJar(String module, String name) {
        Path jar = Path.of("..", module, "target", name).toAbsolutePath().normalize();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests through the reactor (./mvnw verify),"
                    + " which packages " + module + " first");
        }
        return jar;
    }

    /** Starts a CPU worker process; its stdout and stderr go to {@code <workerId>.log} in the test directory. */
    Process start(String workerId, int grpcPort, String... extraArgs) {
        return start(workerJar(), workerId, grpcPort, extraArgs);
    }

    /**
     * Starts a CPU worker process with {@code environment} added to this JVM's; its stdout goes to
     * {@code <workerId>.log}, its stderr (where the JVM writes its own warnings) to {@code <workerId>.err}.
     */
    Process start(String workerId, int grpcPort, Map<String, String> environment, String... extraArgs) {
        return start(workerJar(), "-Xmx256m", workerId, grpcPort, environment, true, extraArgs);
    }

    /** Starts a GPU worker process with a declared inventory such as {@code 2x24576}. */
    Process startGpu(String workerId, int grpcPort, String inventory, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--gpu-inventory", inventory));
        args.addAll(List.of(extraArgs));
        // The local embedding model reads its 90 MB ONNX file onto the heap while it loads.
        return start(packagedJar("worker-gpu", "gale-worker-gpu.jar"), "-Xmx512m", workerId, grpcPort,
                args.toArray(String[]::new));
    }

    private Process start(Path jar, String workerId, int grpcPort, String... extraArgs) {
        return start(jar, "-Xmx256m", workerId, grpcPort, extraArgs);
    }

    private Process start(Path jar, String maxHeap, String workerId, int grpcPort, String... extraArgs) {
        return start(jar, maxHeap, workerId, grpcPort, Map.of(), false, extraArgs);
    }

    private Process start(Path jar, String maxHeap, String workerId, int grpcPort, Map<String, String> environment,
                          boolean stderrApart, String... extraArgs) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), maxHeap, "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--api", "localhost:" + grpcPort,
                "--worker-id", workerId, "--dags", bundle.toString()));
        if (!List.of(extraArgs).contains("--slots")) {
            command.addAll(List.of("--slots", "1"));
        }
        command.addAll(List.of(extraArgs));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(log(workerId).toFile());
            if (stderrApart) {
                builder.redirectError(dir.resolve(workerId + ".err").toFile());
            } else {
                builder.redirectErrorStream(true);
            }
            builder.environment().putAll(environment);
            Process process = builder.start();
            started.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker process " + workerId, e);
        }
    }

    Path log(String workerId) {
        return dir.resolve(workerId + ".log");
    }

    String output(String workerId) throws IOException {
        return Files.exists(log(workerId)) ? Files.readString(log(workerId)) : "";
    }

    /** A DAG bundle jar of {@link TestDags}, for worker and server processes. */
    static Path testBundleJar(Path jar) {
        Path classes = Path.of("target", "test-classes").toAbsolutePath();
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> files = Files.list(classes.resolve("dev/gale/api"))) {
            List<Path> entries = new ArrayList<>(files.filter(p -> p.getFileName().toString().startsWith("TestDags"))
                    .toList());
            entries.add(classes.resolve("META-INF/services/dev.gale.sdk.DagBundle"));
            for (Path entry : entries) {
                out.putNextEntry(new JarEntry(classes.relativize(entry).toString()));
                out.write(Files.readAllBytes(entry));
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the test DAG bundle " + jar, e);
        }
        return jar;
    }

    @Override
    public void close() {
        started.forEach(Process::destroyForcibly);
    }
}
