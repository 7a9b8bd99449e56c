package dev.gale.scheduler.trigger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Fires when a regular file matching the glob "path" exists on the filesystem of the scheduler process
 * that looks (every scheduler must see the same files: a shared volume), polled every "interval" (30 s).
 * The event is {"paths": [...]}, sorted.
 */
final class FilePresentTrigger extends PolledTrigger {
    static final String KIND = "file_present";
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    /** How many paths an event lists at most. */
    private static final int MAX_PATHS = 1_000;

    FilePresentTrigger() {
        super(KIND, INTERVAL);
    }

    @Override
    public Map<String, Object> prepare(Map<String, Object> spec, Instant now) {
        String path = Specs.text(KIND, spec, "path");
        if (!Path.of(root(path)).isAbsolute()) {
            throw new InvalidTriggerException("\"path\" of a 'file_present' trigger must be absolute (schedulers may"
                    + " run anywhere); got " + path);
        }
        Map<String, Object> prepared = new LinkedHashMap<>();
        prepared.put("path", path);
        prepared.put("interval", interval(spec).toString());
        return prepared;
    }

    @Override
    public Optional<Map<String, Object>> check(Map<String, Object> spec, Instant now) {
        String glob = spec.get("path").toString();
        Path root = Path.of(root(glob));
        if (!Files.isDirectory(root)) {
            return Files.isRegularFile(root) && root.toString().equals(glob)
                    ? Optional.of(Map.of("paths", List.of(root.toString()))) : Optional.empty();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        int depth = glob.contains("**") ? Integer.MAX_VALUE
                : (int) glob.substring(root.toString().length()).chars().filter(c -> c == '/').count();
        try (Stream<Path> files = Files.walk(root, Math.max(depth, 1))) {
            List<String> found = files.filter(Files::isRegularFile).filter(matcher::matches).map(Path::toString)
                    .sorted().limit(MAX_PATHS).toList();
            return found.isEmpty() ? Optional.empty() : Optional.of(Map.of("paths", found));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** The part of the glob before its first wildcard's directory: where to start looking. */
    private static String root(String glob) {
        int wildcard = -1;
        for (int i = 0; i < glob.length(); i++) {
            if ("*?[{".indexOf(glob.charAt(i)) >= 0) {
                wildcard = i;
                break;
            }
        }
        if (wildcard < 0) {
            return glob;
        }
        int slash = glob.lastIndexOf('/', wildcard);
        return slash <= 0 ? "/" : glob.substring(0, slash);
    }
}
