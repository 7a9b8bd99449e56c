package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Python SDK's own tests ({@code python/tests}, Python's unittest) as part of {@code ./mvnw verify}:
 * their output, closing line included, is printed into the build log, and a failing test fails the build.
 */
class PythonSdkTestsIT {
    @Test
    void thePythonSdksUnitTestsPass() throws IOException, InterruptedException {
        Process tests = new ProcessBuilder(PythonProcesses.interpreter(), "-m", "unittest", "discover", "-v",
                "-s", "tests", "-t", ".").directory(PythonProcesses.SDK.toFile()).redirectErrorStream(true).start();
        String output = new String(tests.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tests.waitFor(5, TimeUnit.MINUTES)).isTrue();
        System.out.println("python/tests (python3 -m unittest discover):\n" + output);

        assertThat(tests.exitValue()).as(output).isZero();
        assertThat(output.strip().lines().reduce((a, b) -> b).orElse("")).as(output).startsWith("OK");
    }
}
