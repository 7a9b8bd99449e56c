package dev.gale.api;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Python worker processes for tests ({@code python3 -m gale_sdk.worker} from the repository's
 * {@code python/} directory), with task modules from {@code src/test/python}. They need Debian's
 * {@code python3-grpcio}, {@code python3-protobuf} and {@code python3-grpc-tools} (or the same from pip);
 * without them the calling test is skipped, unless {@code GALE_REQUIRE_PYTHON=true} (CI), which makes
 * that a failure. {@code GALE_PYTHON} names the interpreter when it is not {@code python3} on the PATH.
 */
final class PythonProcesses implements AutoCloseable {
    static final Path SDK = Path.of("..", "python").toAbsolutePath().normalize();
    static final Path TASKS = Path.of("src", "test", "python").toAbsolutePath();
    private final Path dir;
    private final List<Process> started = new ArrayList<>();

    PythonProcesses(Path dir) {
        this.dir = dir;
    }

    /** The interpreter with grpcio, protobuf and grpc_tools: GALE_PYTHON, else the system's, else python3. */
    static String interpreter() {
        String chosen = System.getenv("GALE_PYTHON");
        List<String> candidates = chosen != null ? List.of(chosen) : List.of("/usr/bin/python3", "python3");
        for (String candidate : candidates) {
            if (canImportGrpc(candidate)) {
                return candidate;
            }
        }
        String problem = "no Python with grpcio, protobuf and grpc_tools among " + candidates
                + ": apt-get install python3-grpcio python3-protobuf python3-grpc-tools, or set GALE_PYTHON";
        if (Boolean.parseBoolean(System.getenv("GALE_REQUIRE_PYTHON"))) {
            throw new IllegalStateException(problem);
        }
        abort(problem);
        return null;
    }

    private static boolean canImportGrpc(String python) {
        try {
            Process check = new ProcessBuilder(python, "-c", "import grpc, google.protobuf, grpc_tools")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts a Python worker; its output goes to {@code <workerId>.log} in the test directory. */
    Process startWorker(String workerId, int grpcPort, String... extraArgs) {
        List<String> command = new ArrayList<>(List.of(interpreter(), "-m", "gale_sdk.worker",
                "--api", "localhost:" + grpcPort, "--worker-id", workerId, "--path", TASKS.toString(),
                "--home", dir.resolve(workerId + "-home").toString()));
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command).directory(SDK.toFile()).redirectErrorStream(true)
                .redirectOutput(log(workerId).toFile());
        builder.environment().put("PYTHONPATH", SDK.toString());
        try {
            Process process = builder.start();
            started.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Python worker " + workerId, e);
        }
    }

    /** Writes wheels of the test package galetoy, versions 1.0 and 2.0, into a new directory and returns it. */
    Path toyWheels() throws IOException, InterruptedException {
        Path wheels = Files.createDirectories(dir.resolve("wheels"));
        Process make = new ProcessBuilder(interpreter(), "-c", "import sys; from tests.wheels import make_wheel;"
                + " [make_wheel(sys.argv[1], 'galetoy', v) for v in ('1.0', '2.0')]", wheels.toString())
                .directory(SDK.toFile()).redirectErrorStream(true).start();
        String output = new String(make.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (make.waitFor() != 0) {
            throw new IllegalStateException("making the test wheels failed: " + output);
        }
        return wheels;
    }

    Path log(String workerId) {
        return dir.resolve(workerId + ".log");
    }

    String output(String workerId) throws IOException {
        return Files.exists(log(workerId)) ? Files.readString(log(workerId)) : "";
    }

    @Override
    public void close() {
        started.forEach(Process::destroyForcibly);
    }
}
