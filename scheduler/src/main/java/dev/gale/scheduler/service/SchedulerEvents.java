package dev.gale.scheduler.service;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JDK Flight Recorder events for the store's side of a task hop: claims, starts, completions (each
 * with its transaction) and the run-finished wake-up of a waiting request. Off unless a recording
 * enables them; {@code gale bench hops} reads them into a per-hop timeline.
 */
final class SchedulerEvents {
    private SchedulerEvents() {
    }

    @Name("gale.scheduler.Claim")
    @Label("Claim")
    @Description("One claim of queued task instances for a worker, in its own transaction")
    @Category({"Gale", "Scheduler"})
    @StackTrace(false)
    static final class Claim extends Event {
        @Label("Worker")
        String workerId;
        @Label("Asked for")
        int asked;
        @Label("Claimed")
        int claimed;
    }

    /** A worker's report on an attempt: its start or its outcome, with the transaction (and any wait for its turn). */
    @Name("gale.scheduler.Report")
    @Label("Report")
    @Category({"Gale", "Scheduler"})
    @StackTrace(false)
    static final class Report extends Event {
        @Label("Kind")
        String kind;
        @Label("Task instance")
        long taskInstanceId;
        @Label("Attempt")
        int attempt;

        static Report begin(String kind, TaskAttempt attempt) {
            Report event = new Report();
            if (event.isEnabled()) {
                event.kind = kind;
                event.taskInstanceId = attempt.taskInstanceId();
                event.attempt = attempt.attempt();
                event.begin();
            }
            return event;
        }

        void done() {
            if (shouldCommit()) {
                commit();
            }
        }
    }

    @Name("gale.scheduler.RunFinishedNotice")
    @Label("Run finished notice")
    @Description("A waiting request learnt that its run finished")
    @Category({"Gale", "Scheduler"})
    @StackTrace(false)
    static final class RunFinishedNotice extends Event {
        @Label("Run")
        String runId;
    }
}
