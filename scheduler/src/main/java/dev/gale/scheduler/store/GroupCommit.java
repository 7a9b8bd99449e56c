package dev.gale.scheduler.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Commits concurrent reports together. A caller that gets the turn applies every report waiting at
 * that moment in one transaction, so that they share one commit (one WAL flush, one turn at
 * PostgreSQL's lock on the NOTIFY queue, which every committing transaction that notifies holds
 * through its flush) instead of queueing for them one by one. A batch that fails is applied again
 * one report per transaction, so that a bad report fails alone and the others are unaffected.
 */
final class GroupCommit<T, R> {
    /** Bounds one transaction's locks and duration. */
    private static final int MAX_BATCH = 64;

    private record Waiting<T, R>(T report, CompletableFuture<R> result) {
    }

    private final ConcurrentLinkedQueue<Waiting<T, R>> waiting = new ConcurrentLinkedQueue<>();
    private final ReentrantLock turn = new ReentrantLock();
    private final Function<List<T>, List<R>> applyTogether;
    private final Function<T, R> applyAlone;

    /**
     * @param applyTogether applies the reports in one transaction, returning one result per report in order
     * @param applyAlone    applies one report in its own transaction
     */
    GroupCommit(Function<List<T>, List<R>> applyTogether, Function<T, R> applyAlone) {
        this.applyTogether = applyTogether;
        this.applyAlone = applyAlone;
    }

    /** Applies the report, together with any that arrive meanwhile, and returns its result once committed. */
    R apply(T report) {
        Waiting<T, R> mine = new Waiting<>(report, new CompletableFuture<>());
        waiting.add(mine);
        while (!mine.result().isDone()) {
            turn.lock();
            try {
                if (!mine.result().isDone()) {
                    commit(next());
                }
            } finally {
                turn.unlock();
            }
        }
        try {
            return mine.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Reports waiting for their turn. */
    int waiting() {
        return waiting.size();
    }

    private List<Waiting<T, R>> next() {
        List<Waiting<T, R>> batch = new ArrayList<>();
        Waiting<T, R> w;
        while (batch.size() < MAX_BATCH && (w = waiting.poll()) != null) {
            batch.add(w);
        }
        return batch;
    }

    private void commit(List<Waiting<T, R>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (batch.size() == 1) {
            alone(batch.getFirst());
            return;
        }
        List<R> results;
        try {
            results = applyTogether.apply(batch.stream().map(Waiting::report).toList());
        } catch (RuntimeException e) {
            batch.forEach(this::alone);
            return;
        } catch (Error e) {
            batch.forEach(w -> w.result().completeExceptionally(e));
            throw e;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(results.get(i));
        }
    }

    private void alone(Waiting<T, R> w) {
        try {
            w.result().complete(applyAlone.apply(w.report()));
        } catch (RuntimeException | Error e) {
            w.result().completeExceptionally(e);
        }
    }
}
