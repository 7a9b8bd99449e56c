package dev.gale.api.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The standalone data directory ({@code $GALE_HOME}), held with an OS file lock so that a second
 * Gale on the same directory stops with a clear message instead of corrupting the database.
 */
final class GaleHome implements AutoCloseable {
    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private GaleHome(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    static GaleHome acquire(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve("gale.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new StandaloneException("Gale is already running on GALE_HOME " + dir + " (pid "
                        + readPid(dir) + "). Stop it first, or set GALE_HOME to another directory.");
            }
            Files.writeString(dir.resolve("gale.pid"), Long.toString(ProcessHandle.current().pid()),
                    StandardCharsets.UTF_8);
            return new GaleHome(dir, channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use GALE_HOME " + dir + ": " + e.getMessage(), e);
        }
    }

    Path dir() {
        return dir;
    }

    private static String readPid(Path dir) {
        try {
            return Files.readString(dir.resolve("gale.pid")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(dir.resolve("gale.pid"));
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the OS releases the lock with the process anyway
        }
    }
}
