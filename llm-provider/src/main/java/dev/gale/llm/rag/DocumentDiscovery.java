package dev.gale.llm.rag;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.codec.digest.DigestUtils;

/** Lists the documents of a corpus (a directory, walked, and {@code file:} URLs) with their content fingerprints. */
public final class DocumentDiscovery {
    private DocumentDiscovery() {
    }

    /**
     * A document found: its absolute path and the SHA-256 of its bytes, or {@code null} when it could
     * not be read (its mapped task then fails with the reason).
     */
    public record Found(String path, String fingerprint) {
    }

    /** What an ingest has to do, comparing the corpus with what the index holds (path to fingerprint). */
    public record Plan(List<Found> changed, List<String> unchanged, List<String> deleted) {
    }

    public static List<Found> discover(String directory, List<String> urls) {
        Map<String, Found> found = new TreeMap<>();
        if (directory != null && !directory.isBlank()) {
            Path root = Path.of(directory).toAbsolutePath().normalize();
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException("conf path '" + directory + "' is not a directory (resolved to "
                        + root + " on the worker); give an absolute path to a directory of documents");
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile).filter(f -> !isHidden(root.relativize(f)))
                        .forEach(f -> found.put(f.toString(), new Found(f.toString(), fingerprint(f))));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
            }
        }
        for (String url : urls == null ? List.<String>of() : urls) {
            Path file = fromUrl(url);
            found.put(file.toString(), new Found(file.toString(), fingerprint(file)));
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no documents to ingest: set conf 'path' to a directory of documents"
                    + " and/or 'urls' to a list of file: URLs");
        }
        return new ArrayList<>(found.values());
    }

    /**
     * Compares the corpus with what the index holds (path to fingerprint). A document counts as deleted
     * when the index holds it under {@code directory} and the directory no longer does; documents that
     * came from elsewhere (another directory, a URL) are left alone, so an index can be fed in parts.
     */
    public static Plan plan(List<Found> corpus, Map<String, String> indexed, String directory) {
        List<Found> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (Found doc : corpus) {
            if (doc.fingerprint() != null && doc.fingerprint().equals(indexed.get(doc.path()))) {
                unchanged.add(doc.path());
            } else {
                changed.add(doc);
            }
        }
        Set<String> paths = corpus.stream().map(Found::path).collect(Collectors.toSet());
        List<String> deleted = new ArrayList<>();
        if (directory != null && !directory.isBlank()) {
            Path root = Path.of(directory).toAbsolutePath().normalize();
            indexed.keySet().stream().filter(p -> !paths.contains(p) && Path.of(p).startsWith(root))
                    .forEach(deleted::add);
        }
        return new Plan(changed, unchanged, deleted);
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static Path fromUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("conf urls: '" + url + "' is not a valid URL (" + e.getMessage() + ")", e);
        }
        if (!"file".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("conf urls: '" + url + "' is not a file: URL; only file: URLs (e.g."
                    + " file:///srv/docs/guide.md) are read");
        }
        try {
            return Path.of(uri).toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("conf urls: '" + url + "' is not a usable file: URL (" + e.getMessage()
                    + "); write file:///absolute/path", e);
        }
    }

    /** SHA-256 of the file's bytes, or null when it cannot be read. */
    static String fingerprint(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return DigestUtils.sha256Hex(in);
        } catch (IOException e) {
            return null;
        }
    }
}
