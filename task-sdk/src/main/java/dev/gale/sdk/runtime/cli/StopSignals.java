package dev.gale.sdk.runtime.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * How Gale's long-running processes stop: SIGTERM or SIGINT starts a drain, and the process exits 0
 * once it is done. A JVM shutdown hook cannot do this, because a JVM stopped by a signal exits 143
 * whatever its hooks do, and supervisors (Kubernetes, systemd, Docker) read 143 as a crash.
 */
public final class StopSignals {
    private StopSignals() {
    }

    /** Blocks until SIGTERM or SIGINT, then runs {@code drain} on this thread. */
    public static void awaitStopThen(Runnable drain) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        stop.await();
        drain.run();
    }
}
