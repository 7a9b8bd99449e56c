package dev.gale.scheduler.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The outbox of run notifications (filled by the database as runs end) and the runs' deadlines. */
public interface NotificationOutbox {
    /**
     * Claims up to {@code limit} pending notifications that are due (all but run callbacks, which workers claim), counting an attempt for each and
     * hiding them from other dispatchers for {@code lease}: one that is not recorded by then (its
     * dispatcher died) is delivered again.
     */
    List<PendingNotification> claimDue(Instant now, Duration lease, int limit);

    void delivered(long id, int statusCode, Instant now);

    /**
     * Claims up to {@code limit} due run callbacks (notifications of kind {@code callback}) on the queues
     * that {@code workerId} registered with, of the DAGs {@code dagIds} (all when empty), as {@link #claimDue}
     * does; none for a worker not registered.
     */
    List<ClaimedRunCallback> claimRunCallbacks(String workerId, List<String> dagIds, Instant now, Duration lease,
                                               int limit);

    /** Records a run callback as delivered; false when attempt {@code attempt} is no longer the current claim. */
    boolean runCallbackDelivered(long id, int attempt, Instant now);

    /** As {@link #attemptFailed}, for the claim {@code attempt} only; false when it is no longer current. */
    boolean runCallbackFailed(long id, int attempt, String error, Optional<Instant> retryAt);

    /** Records a failed attempt; {@code retryAt} empty gives up on the notification. */
    void attemptFailed(long id, Integer statusCode, String error, Optional<Instant> retryAt);

    /** Records the missed deadline of each unfinished run past it, once, and enqueues its notifications. */
    int recordMissedDeadlines(Instant now);

    List<NotificationView> forRun(String dagId, String runId);

    /** When the run had to finish by and when it was found late (null if it was not); empty without a deadline. */
    Optional<RunDeadline> deadline(String dagId, String runId);

    record RunDeadline(Instant dueAt, Instant missedAt) {
    }

    /** Of each of {@code dagIds} whose runs ever missed a deadline: how many did, and the latest to. */
    Map<String, MissedDeadlines> missedDeadlines(List<String> dagIds);

    record MissedDeadlines(int runs, String latestRunId, Instant latestMissedAt) {
    }
}
