package dev.gale.scheduler.engine;

/** What happens to a task instance that may change its state: the columns of {@link TaskLifecycle}'s table. */
public enum LifecycleEvent {
    UPSTREAM_MET,
    /** Its upstream let it run, but a pool or concurrency limit decides when. */
    UPSTREAM_MET_LIMITED,
    UPSTREAM_SKIPPED, UPSTREAM_FAILED,
    /** A pool or concurrency slot was granted to a scheduled instance. */
    SLOT_GRANTED,
    CLAIM, START, SUCCEED, FAIL, RETRY_DUE, HEARTBEAT_LOST, TIMED_OUT, GPU_WAIT_EXPIRED,
    CANCEL,
    /** Its worker shut down before the task finished: not the task's failure. */
    DRAIN,
    CLEAR, MARK_SUCCESS, MARK_FAILED,
    DEFER, TRIGGER_FIRED, DEFER_TIMED_OUT
}
