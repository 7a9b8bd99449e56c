package dev.gale.sdk.runtime;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.Trigger;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** A DAG whose tasks run in a child JVM with its own classpath entry ahead of the worker's; one of them defers. */
public final class ChildJvmTestDags implements DagBundle {
    /** Relative to the module directory, which child processes inherit as their working directory. */
    static final String OWN_CLASSPATH = "target/child-jvm-library";

    @Override
    public List<Dag> dags() {
        DagBuilder dag = Dag.builder("child_jvm_test");
        dag.task("which_library", ctx -> {
            try (InputStream in = ChildJvmTestDags.class.getResourceAsStream("library-version.txt")) {
                String version = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                ctx.log("library version " + version + " for " + ctx.param("who", String.class));
                ctx.putXCom("pid", ProcessHandle.current().pid());
                return version + " after " + ctx.input("upstream", String.class);
            }
        }).childJvm(OWN_CLASSPATH);
        dag.task("waits_in_child", ctx -> "resumed at " + ctx.defer(Trigger.after(Duration.ofSeconds(1)), null)
                .data().get("at")).childJvm(OWN_CLASSPATH);
        return List.of(dag.build());
    }
}
