package dev.gale.assets;

/** The task attempt that produced or read an asset version, and where it ran. */
public record ProducingTask(String dagId, int dagVersion, String runId, String taskId, int mapIndex, int attempt,
                            long taskInstanceId, String workerId) {

    /** For audits: who or what produced a version, in one line. */
    public String describe() {
        return "task " + dagId + "." + taskId + (mapIndex >= 0 ? "[" + mapIndex + "]" : "") + " attempt " + attempt
                + " of run " + runId + " (DAG version " + dagVersion + ")"
                + (workerId == null || workerId.isEmpty() ? "" : " on worker " + workerId);
    }
}
