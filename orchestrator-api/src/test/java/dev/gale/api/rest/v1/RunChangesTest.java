package dev.gale.api.rest.v1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scheduler.service.Notifications;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RunChangesTest {
    /** Notifications delivered by hand, as the LISTEN thread would. */
    private static final class ByHand implements Notifications {
        Consumer<String> listener;

        @Override
        public AutoCloseable subscribe(String channel, Consumer<String> listener) {
            this.listener = listener;
            return () -> this.listener = null;
        }

        void send(String dagId, String runId) {
            listener.accept("{\"dagId\": \"" + dagId + "\", \"runId\": \"" + runId + "\"}");
        }
    }

    private final ByHand notifications = new ByHand();
    private final RunChanges changes = new RunChanges(notifications, "gale_run_changed");

    @Test
    void aSubscriberGetsTheChangesOfItsDagOnceEachInOrder() throws Exception {
        RunChanges.Subscriber hello = changes.subscribe("hello", null);
        notifications.send("hello", "r1");
        notifications.send("other", "r2");
        notifications.send("hello", "r3");
        notifications.send("hello", "r1");

        assertThat(hello.next(Duration.ofSeconds(1))).containsExactly(new RunChanges.Change("hello", "r1"),
                new RunChanges.Change("hello", "r3"));
        assertThat(hello.next(Duration.ofMillis(20))).as("nothing more: the wait times out").isEmpty();
    }

    @Test
    void aSubscriberOfOneRunSeesOnlyThatRun() throws Exception {
        RunChanges.Subscriber run = changes.subscribe(null, "r2");
        notifications.send("hello", "r1");
        notifications.send("other", "r2");
        assertThat(run.next(Duration.ofSeconds(1))).containsExactly(new RunChanges.Change("other", "r2"));
    }

    @Test
    void aReaderThatFallsBehindIsToldToReloadInsteadOfBufferingWithoutBound() throws Exception {
        RunChanges.Subscriber slow = changes.subscribe(null, null);
        for (int i = 0; i <= RunChanges.MAX_PENDING; i++) {
            notifications.send("hello", "r" + i);
        }
        assertThat(slow.next(Duration.ofSeconds(1))).as("changes were dropped").isNull();
        notifications.send("hello", "after");
        assertThat(slow.next(Duration.ofSeconds(1))).containsExactly(new RunChanges.Change("hello", "after"));
    }

    @Test
    void closingEveryStreamWakesAWaitingReaderAtOnce() throws Exception {
        RunChanges.Subscriber waiting = changes.subscribe(null, null);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            changes.closeAll();
        });
        long start = System.nanoTime();
        List<RunChanges.Change> next = waiting.next(Duration.ofSeconds(30));
        assertThat(next).isEmpty();
        assertThat(waiting.ended()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aClosedSubscriberGetsNothingMore() throws Exception {
        RunChanges.Subscriber gone = changes.subscribe(null, null);
        gone.close();
        notifications.send("hello", "r1");
        assertThat(gone.next(Duration.ofMillis(20))).isEmpty();
    }
}
