package dev.gale.api;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A PostgreSQL server of its own (the embedded binaries, run as their own postmaster on a fixed port and
 * data directory) that a test can restart and kill under Gale's processes, as an operator or a crash would.
 * Commits are durable against a killed postmaster (synchronous_commit on); only fsync is off, which
 * matters for an operating-system crash alone.
 */
final class ExternalPostgres implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;

    ExternalPostgres(Path dataDir) {
        this.dataDir = dataDir;
        this.port = ServerProcesses.freePort();
        start();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    String user() {
        return "postgres";
    }

    String password() {
        return "postgres";
    }

    /** Starts the postmaster on the same directory and port; retried while a killed one's backends linger. */
    synchronized void start() {
        IOException last = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(false)
                        .setPort(port)
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("max_connections", "300")
                        .setRegisterShutdownHook(false)
                        .start();
                return;
            } catch (IOException | RuntimeException e) {
                last = e instanceof IOException io ? io : new IOException(e);
                sleep(500);
            }
        }
        throw new UncheckedIOException("PostgreSQL on " + dataDir + " did not start again", last);
    }

    /** pg_ctl stop -m fast: clients are disconnected, the server shuts down cleanly. */
    synchronized void stopFast() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL to the postmaster, as a crash would; its backends exit when they notice. */
    synchronized void killPostmaster() {
        long pid = postmasterPid().orElseThrow(() -> new IllegalStateException("PostgreSQL is not running"));
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            sleep(50);
        }
        // Releases the library's lock on the data directory; its pg_ctl stop finds no server, and says so in the log.
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<Long> postmasterPid() {
        try {
            Path pidFile = dataDir.resolve("postmaster.pid");
            return Files.exists(pidFile) ? Optional.of(Long.parseLong(Files.readAllLines(pidFile).getFirst().strip()))
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (postmasterPid().isPresent()) {
            stopFast();
        }
    }
}
