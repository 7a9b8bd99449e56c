package dev.gale.api;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.Param;
import java.util.List;

/**
 * DAGs whose tasks produce what a database cannot keep as is, or leak their secrets if Gale lets them.
 * Named TestDags* so that WorkerProcesses puts it in the worker processes' bundle.
 */
public final class TestDagsHostile implements DagBundle {

    @Override
    public List<Dag> dags() {
        DagBuilder nulOutput = Dag.builder("nul_output_for_tests").description("Returns a string holding a NUL.");
        var returnsNul = nulOutput.task("returns_nul", ctx -> "before\u0000after");
        DagBuilder nulLog = Dag.builder("nul_log_for_tests").description("Logs a line holding a NUL, then succeeds.");
        var logsNul = nulLog.task("logs_nul", ctx -> {
            ctx.log("left\u0000right");
            return "logged";
        });
        DagBuilder leaky = Dag.builder("leaky_secret_for_tests")
                .description("Fails with its secret in the exception, and returns and pushes it.")
                .param(Param.string("password").required().secret())
                .param(Param.number("pin").defaultValue(1234).max(9999).secret());
        var leak = leaky.task("leak", ctx -> {
            String password = ctx.param("password", String.class);
            if (password.startsWith("fail")) {
                throw new IllegalStateException("login refused for password " + password);
            }
            ctx.putXCom("echo", "the password is " + password);
            return "used " + password;
        });
        return List.of(nulOutput.result(returnsNul).build(), nulLog.result(logsNul).build(),
                leaky.result(leak).build());
    }
}
