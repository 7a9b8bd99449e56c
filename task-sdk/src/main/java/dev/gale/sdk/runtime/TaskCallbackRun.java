package dev.gale.sdk.runtime;

import dev.gale.sdk.Connection;
import dev.gale.sdk.TaskCallback;
import dev.gale.sdk.TaskCallbackContext;
import dev.gale.sdk.TaskCallbacks;
import dev.gale.sdk.spec.TaskSpec;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the callback a task declared for how its attempt ended, on the worker that ran the attempt and
 * before the outcome is reported (the attempt's token still holds, so the callback can log, read
 * connections and variables). Whether a failure is a retry follows the task's retry policy, as the
 * server applies it: retried unless {@code noRetry} or this was the last attempt.
 */
final class TaskCallbackRun {
    private static final Logger log = LoggerFactory.getLogger(TaskCallbackRun.class);

    private TaskCallbackRun() {
    }

    static TaskCallbackContext.Outcome outcomeOf(String error, boolean noRetry, int attempt, TaskSpec spec) {
        if (error == null) {
            return TaskCallbackContext.Outcome.SUCCESS;
        }
        return noRetry || attempt > spec.retries() ? TaskCallbackContext.Outcome.FAILURE
                : TaskCallbackContext.Outcome.RETRY;
    }

    /** Runs the callback for this outcome, if the task has one; a problem with it goes to the task log only. */
    static void run(TaskCallbacks callbacks, TaskCallbackContext.Outcome outcome, String error, TaskIdentity identity,
                    TaskSession session, JsonMapper json, TaskSpec spec) {
        Optional<TaskCallback> callback = callbacks.forOutcome(outcome);
        if (callback.isEmpty()) {
            return;
        }
        String name = callbackName(outcome);
        session.log("task", "Running the " + name + " callback");
        var context = new Context(outcome, error, identity, new RuntimeTaskContext(identity, session, json, spec));
        Optional<String> problem = BoundedCallback.run("gale-callback-" + identity.taskId(), callbacks.timeout(),
                () -> callback.get().call(context));
        problem.ifPresent(p -> {
            session.log("task", "The " + name + " callback failed: " + p + "; the task's outcome stands");
            log.warn("The {} callback of {}.{} (run {}, attempt {}) failed: {}", name, identity.dagId(),
                    identity.taskId(), identity.runId(), identity.attempt(), p);
        });
    }

    private static String callbackName(TaskCallbackContext.Outcome outcome) {
        String word = outcome.name().toLowerCase(Locale.ROOT);
        return "on" + Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    private record Context(TaskCallbackContext.Outcome outcome, String failure, TaskIdentity identity, RuntimeTaskContext task)
            implements TaskCallbackContext {
        @Override
        public String dagId() {
            return identity.dagId();
        }

        @Override
        public String runId() {
            return identity.runId();
        }

        @Override
        public String taskId() {
            return identity.taskId();
        }

        @Override
        public int mapIndex() {
            return identity.mapIndex();
        }

        @Override
        public int attempt() {
            return identity.attempt();
        }

        @Override
        public Optional<String> error() {
            return Optional.ofNullable(failure);
        }

        @Override
        public Map<String, Object> params() {
            return task.params();
        }

        @Override
        public Optional<Instant> logicalDate() {
            return task.logicalDate();
        }

        @Override
        public Optional<Instant> dataIntervalStart() {
            return task.dataIntervalStart();
        }

        @Override
        public Optional<Instant> dataIntervalEnd() {
            return task.dataIntervalEnd();
        }

        @Override
        public Connection connection(String connId) {
            return task.connection(connId);
        }

        @Override
        public String variable(String key) {
            return task.variable(key);
        }

        @Override
        public void log(String line) {
            task.log(line);
        }
    }
}
