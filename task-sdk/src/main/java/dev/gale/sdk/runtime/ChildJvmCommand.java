package dev.gale.sdk.runtime;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that runs one task: the task's own classpath entries first (so
 * that its library versions win), then the DAG bundles, then the worker's runtime.
 */
final class ChildJvmCommand {
    private static final String BOOT_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

    private ChildJvmCommand() {
    }

    static List<String> of(List<String> taskClasspath, List<Path> bundlePaths, String dagId, String taskId,
                           String versionHash) {
        List<String> entries = new ArrayList<>(taskClasspath);
        bundlePaths.forEach(p -> entries.add(p.toAbsolutePath().toString()));
        String own = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (isExecutableBootJar(own)) {
            // The worker runs from its executable jar, whose libraries are nested: Spring Boot's
            // launcher opens them, with the task's entries ahead of the jar's own.
            command.addAll(List.of("-cp", own, "-Dloader.path=" + String.join(",", entries),
                    "-Dloader.main=" + ChildJvmMain.class.getName(), BOOT_LAUNCHER));
        } else {
            entries.add(own);
            command.addAll(List.of("-cp", String.join(File.pathSeparator, entries), ChildJvmMain.class.getName()));
        }
        command.addAll(List.of(dagId, taskId, versionHash));
        return command;
    }

    private static boolean isExecutableBootJar(String classpath) {
        return !classpath.contains(File.pathSeparator) && classpath.endsWith(".jar")
                && ClassLoader.getSystemResource(BOOT_LAUNCHER.replace('.', '/') + ".class") != null;
    }
}
