package dev.gale.scheduler.service;

import java.util.List;
import java.util.Optional;

/** Where model calls are recorded, per task instance: for cost accounting and for replay. */
public interface LlmUsageStore {

    /** Records a call of {@code attempt}; its task id, map index and attempt fields are ignored. */
    void record(TaskAttempt attempt, LlmCallRecord call);

    /** The response of an earlier attempt's successful call with this hash, for the same task instance. */
    Optional<String> replay(TaskAttempt attempt, String callHash);

    /** What the calls of the run that {@code attempt} belongs to have cost so far, in micro-USD. */
    long runSpentMicroUsd(TaskAttempt attempt);

    /** Every call of a run, oldest first; empty when the run has none or does not exist. */
    List<LlmCallRecord> callsOfRun(String runId);
}
