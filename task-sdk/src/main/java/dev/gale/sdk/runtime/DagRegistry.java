package dev.gale.sdk.runtime;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.DagDefinitionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The DAGs a process knows, by id, loaded from {@link DagBundle}s. */
public final class DagRegistry {
    private final Map<String, Dag> dags;
    private final List<Path> bundlePaths;

    private DagRegistry(Map<String, Dag> dags, List<Path> bundlePaths) {
        this.dags = dags;
        this.bundlePaths = bundlePaths;
    }

    public static DagRegistry of(Collection<Dag> dags) {
        return of(dags, List.of());
    }

    private static DagRegistry of(Collection<Dag> dags, List<Path> bundlePaths) {
        Map<String, Dag> byId = new TreeMap<>();
        for (Dag dag : dags) {
            if (byId.putIfAbsent(dag.dagId(), dag) != null) {
                throw new DagDefinitionException(dag.dagId(), "two DAG bundles declare this DAG id; DAG ids must be unique");
            }
        }
        return new DagRegistry(byId, List.copyOf(bundlePaths));
    }

    /**
     * Loads every bundle visible to {@code parent} plus those in {@code bundlePaths} (jar files, or
     * directories whose jars are all loaded).
     */
    public static DagRegistry load(ClassLoader parent, List<Path> bundlePaths) {
        List<Path> jars = jars(bundlePaths);
        ClassLoader loader = jars.isEmpty() ? parent
                : new URLClassLoader(jars.stream().map(DagRegistry::url).toArray(URL[]::new), parent);
        List<Dag> dags = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (DagBundle bundle : ServiceLoader.load(DagBundle.class, loader)) {
            // The same bundle can be both on the classpath and in a listed jar; load it once.
            if (seen.add(bundle.getClass().getName())) {
                dags.addAll(bundle.dags());
            }
        }
        return of(dags, jars);
    }

    public Optional<Dag> dag(String dagId) {
        return Optional.ofNullable(dags.get(dagId));
    }

    public Collection<Dag> dags() {
        return dags.values();
    }

    /** The bundle jars loaded besides the classpath; child JVMs get them too. */
    public List<Path> bundlePaths() {
        return bundlePaths;
    }

    private static List<Path> jars(List<Path> paths) {
        List<Path> jars = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("DAG bundle path " + path + " does not exist");
            }
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.list(path)) {
                    files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list DAG bundle directory " + path, e);
                }
            } else {
                jars.add(path);
            }
        }
        return jars;
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("bad DAG bundle path " + path, e);
        }
    }
}
