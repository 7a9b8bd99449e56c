package dev.gale.scheduler.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoalescedPassTest {
    @Test
    void wakeUpsDuringAPassMakeOneMorePassAndReturnAtOnce() throws Exception {
        CountDownLatch inFirstPass = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger passes = new AtomicInteger();
        CoalescedPass pass = new CoalescedPass(() -> {
            if (passes.incrementAndGet() == 1) {
                inFirstPass.countDown();
                await(release);
            }
        });
        Thread first = Thread.ofPlatform().start(pass);
        assertThat(inFirstPass.await(10, TimeUnit.SECONDS)).isTrue();

        List<Thread> wakeUps = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            wakeUps.add(Thread.ofPlatform().start(pass));
        }
        for (Thread wakeUp : wakeUps) {
            wakeUp.join(10_000);
            assertThat(wakeUp.isAlive()).as("a wake-up while a pass runs does not wait for it").isFalse();
        }
        release.countDown();
        first.join(10_000);

        assertThat(passes.get()).as("the running pass, then one for all 200 wake-ups during it").isEqualTo(2);
    }

    @Test
    void aWakeUpAfterAPassRunsAnother() {
        AtomicInteger passes = new AtomicInteger();
        CoalescedPass pass = new CoalescedPass(passes::incrementAndGet);

        pass.run();
        pass.run();

        assertThat(passes.get()).isEqualTo(2);
    }

    @Test
    void aFailedPassDoesNotSwallowTheNextWakeUp() {
        AtomicInteger passes = new AtomicInteger();
        CoalescedPass pass = new CoalescedPass(() -> {
            if (passes.incrementAndGet() == 1) {
                throw new IllegalStateException("database down");
            }
        });

        assertThatThrownBy(pass::run).as("the wake-up's caller (Quartz) logs it").hasMessage("database down");
        pass.run();

        assertThat(passes.get()).isEqualTo(2);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
