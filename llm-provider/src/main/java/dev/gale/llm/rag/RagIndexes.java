package dev.gale.llm.rag;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where RAG indexes live: {@code $GALE_HOME/indexes/<name>} ({@code GALE_HOME} from the environment or
 * the {@code gale.home} system property, default {@code ~/.gale}), so that an index outlives the
 * process and sits beside standalone's database.
 */
public final class RagIndexes {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private RagIndexes() {
    }

    public static Path galeHome() {
        String property = System.getProperty("gale.home");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv("GALE_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".gale");
    }

    /** The directory of index {@code name}; a name that could escape the indexes directory is refused. */
    public static Path path(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("index name '" + name + "' is not allowed: use 1 to 64 lower-case"
                    + " letters, digits, '-' or '_', starting with a letter or digit (e.g. \"docs\")");
        }
        return galeHome().resolve("indexes").resolve(name);
    }
}
