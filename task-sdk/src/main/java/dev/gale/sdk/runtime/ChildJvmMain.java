package dev.gale.sdk.runtime;

import dev.gale.sdk.Dag;
import dev.gale.sdk.TaskFunction;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * The entry point of a child JVM that runs one task's Java code for its worker. Arguments: DAG id,
 * task id, and the DAG version hash the run is pinned to; the rest comes from the environment the
 * worker sets. Exits 0 when the task succeeded or deferred (the worker was told so over the socket),
 * 1 when it threw, 2 when this classpath holds another version of the DAG.
 */
public final class ChildJvmMain {
    private ChildJvmMain() {
    }

    public static void main(String[] args) {
        JsonMapper json = JsonMapper.builder().build();
        String socket = System.getenv(ChildProtocol.SOCKET_ENV);
        if (args.length != 3 || socket == null) {
            System.err.println("ChildJvmMain is started by a Gale worker with <dagId> <taskId> <versionHash> and "
                    + ChildProtocol.SOCKET_ENV + " set");
            System.exit(2);
        }
        try (SocketTaskChannel channel = SocketTaskChannel.connect(Path.of(socket), json)) {
            Dag dag = DagRegistry.load(ChildJvmMain.class.getClassLoader(), List.of()).dag(args[0]).orElse(null);
            if (dag == null || !dag.versionHash().equals(args[2])) {
                System.err.println("the child JVM's classpath holds " + (dag == null ? "no DAG '" + args[0] + "'"
                        : "another version of DAG '" + args[0] + "'") + "; its classpath entries must not carry"
                        + " a DAG bundle of their own");
                System.exit(2);
            }
            TaskFunction function = dag.taskFunction(args[1]).orElseThrow();
            TaskIdentity identity = TaskIdentity.fromEnvironment(System.getenv());
            Object output = function.run(new RuntimeTaskContext(identity, channel, json,
                    dag.taskSpec(args[1]).orElseThrow()));
            channel.putXCom(TaskIdentity.RETURN_VALUE, json.writeValueAsString(output));
        } catch (TaskDeferred deferred) {
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }
}
