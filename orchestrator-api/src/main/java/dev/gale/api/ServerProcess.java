package dev.gale.api;

import dev.gale.api.standalone.StandaloneException;
import dev.gale.sdk.runtime.cli.StopSignals;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs {@code gale server} or {@code gale scheduler} until SIGTERM or SIGINT, then drains it (Tomcat
 * finishes its requests, the gRPC server its calls, the scheduler its pass) and returns 0. A start that
 * fails ends in one line saying what to fix instead of Spring's report.
 */
final class ServerProcess {
    private ServerProcess() {
    }

    static int runUntilStopped(String role, Map<String, Object> properties) throws InterruptedException {
        Map<String, Object> all = new HashMap<>(properties);
        // The cause is printed as one line below; Spring's report of it would bury that line in a stack trace.
        all.put("logging.level.org.springframework.boot.SpringApplication", "OFF");
        all.put("logging.level.org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter", "OFF");
        all.put("gale.tracing.service-name", "gale-" + role);
        ConfigurableApplicationContext context;
        try {
            context = new SpringApplicationBuilder(GaleServerApplication.class).properties(all)
                    .registerShutdownHook(false).run();
        } catch (RuntimeException e) {
            throw new StandaloneException("gale " + role + " did not start: " + startProblem(e));
        }
        System.out.printf("Gale %s is running (pid %d). Stop it with SIGTERM or Ctrl+C: it drains, then exits.%n",
                role, ProcessHandle.current().pid());
        StopSignals.awaitStopThen(context::close);
        System.out.printf("Gale %s stopped%n", role);
        return 0;
    }

    private static String startProblem(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof PortInUseException port) {
                return "port " + port.getPort() + " is already in use; stop what uses it, or set GALE_HTTP_PORT";
            }
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }
}
