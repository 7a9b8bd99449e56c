package dev.gale.scheduler.loop;

import dev.gale.scheduler.engine.RunDecider;
import dev.gale.scheduler.service.ArmedTrigger;
import dev.gale.scheduler.service.Deferrals;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.scheduler.trigger.TriggerKind;
import dev.gale.scheduler.trigger.TriggerKinds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Evaluates the triggers of deferred tasks inside a scheduler process: takes the armed triggers due for a
 * look (skipping those another scheduler is looking at), checks each one's condition on a virtual thread
 * (an HTTP poll may take seconds), fires those that hold, and ends the waits that timed out. State is all
 * in PostgreSQL, so any number of schedulers run this loop at once and a restart loses nothing; firing is a
 * conditional update, so each trigger fires once.
 */
public final class TriggerLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TriggerLoop.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** How long a trigger taken for a look stays hidden from other schedulers, should this one die looking. */
    private static final Duration LOOK_LEASE = Duration.ofMinutes(1);
    private static final int BATCH = 200;
    /** Batches per pass at most, so that a pass over a backlog still ends and timeouts get their turn. */
    private static final int MAX_BATCHES = 50;

    private final Deferrals deferrals;
    private final TriggerKinds kinds;
    private final SchedulerStore store;
    private final Clock clock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gale-triggers");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();
    private boolean lastPassFailed;

    public TriggerLoop(Deferrals deferrals, TriggerKinds kinds, SchedulerStore store, Clock clock) {
        this.deferrals = deferrals;
        this.kinds = kinds;
        this.store = store;
        this.clock = clock;
    }

    public TriggerLoop start(Duration interval) {
        executor.scheduleWithFixedDelay(this::safeTick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void safeTick() {
        try {
            tick();
            lastPassFailed = false;
        } catch (RuntimeException e) {
            if (!lastPassFailed) {
                log.error("Trigger pass failed; the next passes retry", e);
            }
            lastPassFailed = true;
        }
    }

    /**
     * One pass: timeouts, then every trigger due for a look.
     *
     * @return how many deferred tasks it resumed or failed
     */
    public int tick() {
        int ended = endTimedOut();
        for (int batch = 0; batch < MAX_BATCHES; batch++) {
            List<ArmedTrigger> due = deferrals.takeDue(clock.instant(), LOOK_LEASE, BATCH);
            ended += checkAll(due);
            if (due.size() < BATCH) {
                break;
            }
        }
        if (ended > 0) {
            store.queueScheduledTasks();
        }
        return ended;
    }

    private int endTimedOut() {
        int ended = 0;
        Instant now = clock.instant();
        for (ArmedTrigger trigger : deferrals.timedOut(now, BATCH)) {
            Optional<String> event = TriggerKinds.timeoutEvent(trigger.spec());
            boolean done = event.isPresent() ? deferrals.resume(trigger.id(), event.get(), now)
                    : store.failDeferred(trigger.taskInstanceId(), "the task deferred on a '" + trigger.kind()
                    + "' trigger that did not fire by its timeout (" + trigger.timeoutAt() + ")", now, RunDecider::decide);
            if (done) {
                ended++;
            }
        }
        return ended;
    }

    private int checkAll(List<ArmedTrigger> due) {
        List<Future<Boolean>> looks = new ArrayList<>(due.size());
        for (ArmedTrigger trigger : due) {
            looks.add(checks.submit(() -> check(trigger)));
        }
        int fired = 0;
        for (Future<Boolean> look : looks) {
            try {
                if (look.get()) {
                    fired++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                log.warn("A trigger look failed; it is looked at again later", e.getCause());
            }
        }
        return fired;
    }

    private boolean check(ArmedTrigger trigger) {
        Optional<TriggerKind> kind = kinds.kind(trigger.kind());
        if (kind.isEmpty()) {
            // A kind no scheduler evaluates (e.g. a person's answer): only its API or its timeout ends it.
            deferrals.checkAgainAt(trigger.id(), TriggerKind.NEVER);
            return false;
        }
        Map<String, Object> spec = JSON.readValue(trigger.spec(), new TypeReference<Map<String, Object>>() { });
        Instant now = clock.instant();
        Optional<Map<String, Object>> event;
        try {
            event = kind.get().check(spec, now);
        } catch (Exception e) {
            log.debug("Trigger {} ({}) could not be checked: {}", trigger.id(), trigger.kind(), e.toString());
            event = Optional.empty();
        }
        if (event.isPresent()) {
            return deferrals.resume(trigger.id(), JSON.writeValueAsString(event.get()), clock.instant());
        }
        deferrals.checkAgainAt(trigger.id(), kind.get().nextCheck(spec, now));
        return false;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        checks.shutdownNow();
    }
}
