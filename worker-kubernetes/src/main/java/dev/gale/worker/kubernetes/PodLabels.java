package dev.gale.worker.kubernetes;

import dev.gale.sdk.runtime.TaskKindRunner;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * The labels and annotations Gale puts on a task's pod, and its name. Label values must be at most 63
 * letters, digits, '-', '_' or '.', so they carry the ids made to fit; the annotations carry them exactly.
 * {@link #MANAGED_BY} marks every object Gale made, which is what orphan clean-up lists.
 */
final class PodLabels {
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String GALE = "gale";
    static final String DAG_ID = "gale.dev/dag-id";
    static final String RUN_ID = "gale.dev/run-id";
    static final String TASK_ID = "gale.dev/task-id";
    static final String MAP_INDEX = "gale.dev/map-index";
    static final String ATTEMPT = "gale.dev/attempt";
    static final String WORKER_ID = "gale.dev/worker-id";
    /** The worker process that made the pod: a restarted worker with the same id tells its old pods by it. */
    static final String WORKER_PROCESS = "gale.dev/worker-process";
    /** When the worker running the pod's attempt last said it still watches the pod, in ms since the epoch. */
    static final String LEASE_RENEWED = "gale.dev/lease-renewed-at";

    private PodLabels() {
    }

    static Map<String, String> labels(TaskKindRunner.Attempt attempt, String workerProcess) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, GALE);
        labels.put(DAG_ID, labelValue(attempt.dagId()));
        labels.put(RUN_ID, labelValue(attempt.runId()));
        labels.put(TASK_ID, labelValue(attempt.taskId()));
        labels.put(MAP_INDEX, Integer.toString(attempt.mapIndex()));
        labels.put(ATTEMPT, Integer.toString(attempt.attempt()));
        labels.put(WORKER_ID, labelValue(attempt.workerId()));
        labels.put(WORKER_PROCESS, workerProcess);
        return labels;
    }

    static Map<String, String> annotations(TaskKindRunner.Attempt attempt, long nowMs) {
        return Map.of(DAG_ID, attempt.dagId(), RUN_ID, attempt.runId(), TASK_ID, attempt.taskId(),
                WORKER_ID, attempt.workerId(), LEASE_RENEWED, Long.toString(nowMs));
    }

    /** {@code value} as a label value: characters a label cannot hold become '_', cut to 63, alphanumeric ends. */
    static String labelValue(String value) {
        String cleaned = value.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (cleaned.length() > 63) {
            cleaned = cleaned.substring(0, 63);
        }
        return cleaned.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    }

    /**
     * A pod name people can read ({@code gale-<dag>-<task>-}) and unique per attempt (a hash of run, task,
     * map index and attempt), within the 63 characters of a DNS label.
     */
    static String podName(TaskKindRunner.Attempt attempt) {
        String readable = ("gale-" + attempt.dagId() + "-" + attempt.taskId()).toLowerCase()
                .replaceAll("[^a-z0-9-]+", "-").replaceAll("-+", "-");
        if (readable.length() > 52) {
            readable = readable.substring(0, 52);
        }
        readable = readable.replaceAll("-+$", "");
        return readable + "-" + hash(attempt.runId() + "/" + attempt.taskId() + "/" + attempt.mapIndex() + "/"
                + attempt.attempt());
    }

    private static String hash(String text) {
        return DigestUtils.sha256Hex(text).substring(0, 10);
    }
}
