package dev.gale.sdk.runtime;

import dev.gale.sdk.spec.TaskSpec;
import java.util.Map;

/** An attempt as a {@link TaskKindRunner} sees it: no task token, only what it needs, through the session. */
record RunnerAttempt(String workerId, TaskIdentity identity, TaskSpec spec, TaskSession session)
        implements TaskKindRunner.Attempt {

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
    public String paramsJson() {
        return session.paramsJson();
    }

    @Override
    public String connectionJson(String connId) {
        return session.connectionJson(connId);
    }

    @Override
    public void log(String stream, String line) {
        session.log(stream, line);
    }

    @Override
    public Map<String, String> environment() {
        return identity.environment();
    }
}
