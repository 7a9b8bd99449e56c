package dev.gale.scheduler.loop;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a pass once for any number of wake-ups that arrive together: a wake-up while the pass runs asks for one more
 * pass after it (which sees everything due by then) and returns at once. So 200 DAGs whose cron fires in the same
 * second cost this process two passes, not 200 of them queued on Quartz's threads.
 */
final class CoalescedPass implements Runnable {
    private final Runnable pass;
    private final AtomicBoolean wanted = new AtomicBoolean();
    private final ReentrantLock running = new ReentrantLock();

    CoalescedPass(Runnable pass) {
        this.pass = pass;
    }

    @Override
    public void run() {
        wanted.set(true);
        // Whoever holds the lock looks at 'wanted' again after unlocking, so a wake-up that finds it held is not lost.
        while (wanted.get() && running.tryLock()) {
            try {
                if (wanted.getAndSet(false)) {
                    pass.run();
                }
            } finally {
                running.unlock();
            }
        }
    }
}
