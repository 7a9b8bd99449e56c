package dev.gale.scheduler.store;

import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.SchedulerMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.TransactionContext;
import org.jooq.TransactionListener;
import org.jooq.impl.DSL;

/**
 * The {@link SchedulerMetrics} a store calls inside its transactions, held back until the outermost transaction
 * commits and dropped when it rolls back: a transaction that fails and is retried (a lost completion sent again,
 * a serialization failure) must not count its runs and attempts twice. Transactions are thread-bound (JDBC), so
 * what is held back is kept per thread, one list per nesting level.
 */
final class CommittedMetrics implements SchedulerMetrics, TransactionListener {
    private final SchedulerMetrics target;
    private final ThreadLocal<Deque<Level>> open = ThreadLocal.withInitial(ArrayDeque::new);

    /** What one (possibly nested) transaction reported so far. */
    private record Level(TransactionContext transaction, List<Consumer<SchedulerMetrics>> reports) {
    }

    CommittedMetrics(SchedulerMetrics target) {
        this.target = target;
    }

    /** {@code dsl} with this listening to its transactions. */
    DSLContext listeningTo(DSLContext dsl) {
        Configuration configuration = dsl.configuration().deriveAppending(this);
        return DSL.using(configuration);
    }

    @Override
    public void beginStart(TransactionContext ctx) {
        open.get().push(new Level(ctx, new ArrayList<>()));
    }

    @Override
    public void commitEnd(TransactionContext ctx) {
        Deque<Level> levels = open.get();
        if (levels.isEmpty() || levels.peek().transaction() != ctx) {
            return;
        }
        List<Consumer<SchedulerMetrics>> done = levels.pop().reports();
        if (levels.isEmpty()) {
            done.forEach(report -> report.accept(target));
        } else {
            levels.peek().reports().addAll(done);
        }
    }

    @Override
    public void rollbackEnd(TransactionContext ctx) {
        // A failed commit may end here after commitEnd already took its level: only this transaction's is dropped.
        Deque<Level> levels = open.get();
        if (!levels.isEmpty() && levels.peek().transaction() == ctx) {
            levels.pop();
        }
    }

    private void report(Consumer<SchedulerMetrics> report) {
        Deque<Level> levels = open.get();
        if (levels.isEmpty()) {
            report.accept(target);
        } else {
            levels.peek().reports().add(report);
        }
    }

    @Override
    public void taskClaimed(String dagId, String taskId, Duration waited) {
        report(m -> m.taskClaimed(dagId, taskId, waited));
    }

    @Override
    public void attemptEnded(String dagId, String taskId, TaskInstanceState state, Duration ran) {
        report(m -> m.attemptEnded(dagId, taskId, state, ran));
    }

    @Override
    public void runStarted(String dagId) {
        report(m -> m.runStarted(dagId));
    }

    @Override
    public void runFinished(String dagId, DagRunState state) {
        report(m -> m.runFinished(dagId, state));
    }

    @Override
    public void schedulingPass(Duration took, boolean failed) {
        target.schedulingPass(took, failed);
    }

    @Override
    public void claim(Duration took, int tasks) {
        target.claim(took, tasks);
    }
}
