package dev.gale.sdk.runtime;

import dev.gale.tei.v1.Assignment;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JDK Flight Recorder events for the worker's side of a task hop: what it received, how long each
 * phase of an attempt took, when it gave slots back. Off unless a recording enables them (they cost
 * nothing then); {@code gale bench hops} reads them with the server's into a per-hop timeline.
 */
final class WorkerEvents {
    private WorkerEvents() {
    }

    @Name("gale.worker.AssignmentReceived")
    @Label("Assignment received")
    @Category({"Gale", "Worker"})
    @StackTrace(false)
    static final class AssignmentReceived extends Event {
        @Label("Run")
        String runId;
        @Label("Task")
        String taskId;
        @Label("Map index")
        int mapIndex;
        @Label("Attempt")
        int attempt;

        static void of(Assignment a) {
            AssignmentReceived event = new AssignmentReceived();
            if (event.shouldCommit()) {
                event.runId = a.getRunId();
                event.taskId = a.getTaskId();
                event.mapIndex = a.getMapIndex();
                event.attempt = a.getAttempt();
                event.commit();
            }
        }
    }

    @Name("gale.worker.TaskPhase")
    @Label("Task phase")
    @Description("One phase of an attempt on the worker: the start call, the task's code, or the report of its outcome")
    @Category({"Gale", "Worker"})
    @StackTrace(false)
    static final class TaskPhase extends Event {
        @Label("Phase")
        String phase;
        @Label("Run")
        String runId;
        @Label("Task")
        String taskId;
        @Label("Map index")
        int mapIndex;

        /** Started now; {@link #done()} commits it. */
        static TaskPhase begin(String phase, Assignment a) {
            TaskPhase event = new TaskPhase();
            if (event.isEnabled()) {
                event.phase = phase;
                event.runId = a.getRunId();
                event.taskId = a.getTaskId();
                event.mapIndex = a.getMapIndex();
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

    @Name("gale.worker.CreditsSent")
    @Label("Credits sent")
    @Description("The worker told the server it has this many more free slots")
    @Category({"Gale", "Worker"})
    @StackTrace(false)
    static final class CreditsSent extends Event {
        @Label("Credits")
        int credits;

        static void of(int credits) {
            CreditsSent event = new CreditsSent();
            if (event.shouldCommit()) {
                event.credits = credits;
                event.commit();
            }
        }
    }
}
