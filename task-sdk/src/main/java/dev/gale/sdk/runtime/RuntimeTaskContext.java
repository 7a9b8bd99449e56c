package dev.gale.sdk.runtime;

import dev.gale.sdk.TaskContext;
import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.LogLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@link TaskContext} of one assignment; logs are buffered and shipped by the worker. */
final class RuntimeTaskContext implements TaskContext {
    private final Assignment assignment;
    private final JsonMapper json;
    private final Map<String, Object> params;
    private final List<LogLine> pendingLogs = new ArrayList<>();

    RuntimeTaskContext(Assignment assignment, JsonMapper json) {
        this.assignment = assignment;
        this.json = json;
        this.params = assignment.getParamsJson().isEmpty() ? Map.of()
                : json.readValue(assignment.getParamsJson(), new TypeReference<Map<String, Object>>() { });
    }

    @Override
    public String dagId() {
        return assignment.getDagId();
    }

    @Override
    public String runId() {
        return assignment.getRunId();
    }

    @Override
    public String taskId() {
        return assignment.getTaskId();
    }

    @Override
    public int mapIndex() {
        return assignment.getMapIndex();
    }

    @Override
    public int attempt() {
        return assignment.getAttempt();
    }

    @Override
    public Map<String, Object> params() {
        return params;
    }

    @Override
    public <T> T param(String name, Class<T> type) {
        if (!params.containsKey(name)) {
            throw new IllegalArgumentException("param '" + name + "' is not set and has no default; params are "
                    + params.keySet());
        }
        return json.convertValue(params.get(name), type);
    }

    @Override
    public <T> T input(String taskId, Class<T> type) {
        String value = assignment.getUpstreamOutputsJsonMap().get(taskId);
        if (value == null) {
            throw new IllegalArgumentException("task '" + taskId + "' is not a direct upstream of '"
                    + assignment.getTaskId() + "' or left no output; upstream outputs: "
                    + assignment.getUpstreamOutputsJsonMap().keySet());
        }
        return json.readValue(value, type);
    }

    @Override
    public <T> List<T> inputs(String taskId, Class<T> elementType) {
        List<?> values = input(taskId, List.class);
        return values.stream().map(v -> json.convertValue(v, elementType)).toList();
    }

    @Override
    public <T> T item(Class<T> type) {
        if (assignment.getMapIndex() < 0) {
            throw new IllegalStateException("task '" + assignment.getTaskId() + "' is not mapped, so it has no item;"
                    + " declare it with expand(...) or expandParam(...)");
        }
        return json.readValue(assignment.getMapItemJson(), type);
    }

    @Override
    public void log(String line) {
        LogLine entry = LogLine.newBuilder().setTimestampMs(System.currentTimeMillis()).setLine(line).setStream("task")
                .build();
        synchronized (pendingLogs) {
            pendingLogs.add(entry);
        }
    }

    List<LogLine> drainLogs() {
        synchronized (pendingLogs) {
            List<LogLine> lines = List.copyOf(pendingLogs);
            pendingLogs.clear();
            return lines;
        }
    }
}
