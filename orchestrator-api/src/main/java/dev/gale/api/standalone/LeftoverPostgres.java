package dev.gale.api.standalone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of a standalone Gale that was killed (SIGKILL, OOM killer, a power-off of the JVM only):
 * the postmaster is the JVM's child, outlives it and keeps the data directory, so the next start could not start
 * its own. Called while this process holds {@link GaleHome}'s lock, so a postmaster still running on the home's
 * data directory can only be that leftover: it is asked to shut down (SIGTERM; the dead JVM's sessions are gone,
 * and committed work is on disk) before the new one starts.
 */
final class LeftoverPostgres {
    private static final Logger log = LoggerFactory.getLogger(LeftoverPostgres.class);

    private LeftoverPostgres() {
    }

    static void stop(Path dataDirectory, Duration wait) {
        Optional<ProcessHandle> postmaster = postmaster(dataDirectory);
        if (postmaster.isEmpty()) {
            return;
        }
        long pid = postmaster.get().pid();
        log.warn("PostgreSQL (pid {}) is still running on {}, left by a Gale that did not shut down; stopping it",
                pid, dataDirectory);
        postmaster.get().destroy();
        try {
            postmaster.get().onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new StandaloneException("PostgreSQL (pid " + pid + ") left running on " + dataDirectory
                    + " by an earlier Gale did not stop within " + wait.toSeconds() + " s; stop it (kill " + pid
                    + ") and start Gale again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StandaloneException("interrupted while stopping PostgreSQL (pid " + pid + ") on "
                    + dataDirectory);
        }
    }

    /** The live postmaster named in the data directory's postmaster.pid, if it really runs on that directory. */
    static Optional<ProcessHandle> postmaster(Path dataDirectory) {
        List<String> pidFile;
        try {
            pidFile = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
        } catch (IOException e) {
            return Optional.empty();
        }
        if (pidFile.isEmpty() || !pidFile.getFirst().trim().matches("\\d+")) {
            return Optional.empty();
        }
        // A stale file's pid may belong to another process by now: only a postgres on this directory counts.
        List<String> names = List.of(dataDirectory.toString(), dataDirectory.toAbsolutePath().toString());
        return ProcessHandle.of(Long.parseLong(pidFile.getFirst().trim())).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains("postgres")
                        && names.stream().anyMatch(c::contains)).orElse(false));
    }
}
