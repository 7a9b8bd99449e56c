package dev.gale.api.grpc.v1;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JDK Flight Recorder events for the dispatcher's side of a task hop: what woke it, each pass, and
 * each assignment it sent. Off unless a recording enables them; {@code gale bench hops} reads them.
 */
final class DispatchEvents {
    private DispatchEvents() {
    }

    @Name("gale.server.DispatcherWoken")
    @Label("Dispatcher woken")
    @Description("Something asked the dispatcher to look for work: a worker's credits, a task queued, a worker connected")
    @Category({"Gale", "Server"})
    @StackTrace(false)
    static final class Woken extends Event {
        @Label("By")
        String by;

        static void by(String by) {
            Woken event = new Woken();
            if (event.shouldCommit()) {
                event.by = by;
                event.commit();
            }
        }
    }

    @Name("gale.server.DispatchPass")
    @Label("Dispatch pass")
    @Description("One pass of the dispatcher after a wake-up: claims for every worker with credits, and the sends")
    @Category({"Gale", "Server"})
    @StackTrace(false)
    static final class Pass extends Event {
        @Label("Assigned")
        int assigned;
    }

    @Name("gale.server.AssignmentSent")
    @Label("Assignment sent")
    @Category({"Gale", "Server"})
    @StackTrace(false)
    static final class AssignmentSent extends Event {
        @Label("Run")
        String runId;
        @Label("Task")
        String taskId;
        @Label("Worker")
        String workerId;
    }
}
