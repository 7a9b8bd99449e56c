package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
    private final List<List<Integer>> transactions = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstStarted = new CountDownLatch(1);
    private final CountDownLatch releaseFirst = new CountDownLatch(1);

    private final GroupCommit<Integer, String> commits = new GroupCommit<>(
            batch -> {
                transactions.add(batch);
                if (batch.contains(-1)) {
                    throw new IllegalArgumentException("bad report -1");
                }
                return batch.stream().map(i -> "done " + i).toList();
            },
            report -> {
                transactions.add(List.of(report));
                if (report == 0) {
                    firstStarted.countDown();
                    await(releaseFirst);
                }
                if (report == -1) {
                    throw new IllegalArgumentException("bad report -1");
                }
                return "done " + report;
            });

    @Test
    void reportsArrivingWhileOneCommitsShareTheNextTransactionAndEachGetsItsOwnResult() throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = threads.submit(() -> commits.apply(0));
            await(firstStarted);
            Map<Integer, Future<String>> later = new ConcurrentHashMap<>();
            for (int i = 1; i <= 5; i++) {
                int report = i;
                later.put(i, threads.submit(() -> commits.apply(report)));
            }
            awaitWaiting(5);
            releaseFirst.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("done 0");
            for (int i = 1; i <= 5; i++) {
                assertThat(later.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("done " + i);
            }
        }
        assertThat(transactions).hasSize(2);
        assertThat(transactions.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    }

    @Test
    void aBadReportFailsAloneAndTheOthersInItsBatchAreCommittedOnTheirOwn() throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = threads.submit(() -> commits.apply(0));
            await(firstStarted);
            Future<String> good = threads.submit(() -> commits.apply(7));
            Future<String> bad = threads.submit(() -> commits.apply(-1));
            awaitWaiting(2);
            releaseFirst.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("done 0");
            assertThat(good.get(5, TimeUnit.SECONDS)).isEqualTo("done 7");
            assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad report -1");
        }
        assertThat(transactions.get(1)).containsExactlyInAnyOrder(7, -1);
        assertThat(transactions.subList(2, transactions.size())).containsExactlyInAnyOrder(List.of(7), List.of(-1));
    }

    @Test
    void aFailingReportOnItsOwnThrowsItsOwnException() {
        assertThatThrownBy(() -> commits.apply(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad report -1");
    }

    private void awaitWaiting(int reports) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (commits.waiting() < reports && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(commits.waiting()).isEqualTo(reports);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
