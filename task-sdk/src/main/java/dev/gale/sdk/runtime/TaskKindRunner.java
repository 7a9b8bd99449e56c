package dev.gale.sdk.runtime;

import dev.gale.sdk.spec.TaskSpec;
import java.util.Map;

/**
 * Runs the tasks of a kind the worker runtime does not run itself (e.g. {@code kubernetes_pod}), so
 * that what such a kind needs (a Kubernetes client) stays out of the task SDK. A worker given runners
 * ({@link WorkerOptions.Builder#taskRunner}) advertises their kinds besides its own and hands each
 * assignment of one to its runner, on the assignment's thread, while it heartbeats as for any task.
 */
public interface TaskKindRunner {
    /** The task kind, as {@code IsolationSpec.kind} and the TEI's {@code task_kind} name it. */
    String kind();

    /**
     * Runs one attempt and returns its output as JSON. The thread is interrupted when the attempt must
     * stop (the run was cancelled, the attempt timed out on the server, the worker is shutting down):
     * clean up what the attempt started, then throw {@link InterruptedException}.
     *
     * @throws Failure the attempt failed, with the reason to record in its error
     */
    String run(Attempt attempt) throws Failure, InterruptedException;

    /** What a runner knows of, and may do for, the attempt it runs. */
    interface Attempt {
        String workerId();

        String dagId();

        String runId();

        String taskId();

        /** -1 for a task that is not mapped. */
        int mapIndex();

        int attempt();

        /** The task as its DAG version serialized it. */
        TaskSpec spec();

        /** The run's conf with the DAG's param defaults applied, a JSON object. */
        String paramsJson();

        /** A connection read over the TEI, as a JSON object ({@code host}, {@code login}, {@code password} …). */
        String connectionJson(String connId);

        /** Appends a line to the attempt's log; {@code stream} is "stdout", "stderr" or "task". */
        void log(String stream, String line);

        /** The {@code GALE_*} variables a command task's process gets: DAG, run, task, map index, attempt, dates. */
        Map<String, String> environment();
    }

    /** An attempt that failed, with the reason; {@code noRetry} when retrying cannot help. */
    final class Failure extends Exception {
        private final boolean noRetry;

        public Failure(String reason, boolean noRetry) {
            super(reason);
            this.noRetry = noRetry;
        }

        public Failure(String reason) {
            this(reason, false);
        }

        public boolean noRetry() {
            return noRetry;
        }
    }
}
