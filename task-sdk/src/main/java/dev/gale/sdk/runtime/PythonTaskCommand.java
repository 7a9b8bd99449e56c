package dev.gale.sdk.runtime;

import dev.gale.sdk.spec.PythonSpec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child process that runs a {@code python} task on the Java worker: the Python SDK's
 * {@code gale_sdk.launch}, which finds or builds the task's environment and runs the @task function
 * there, speaking {@link ChildProtocol} like any child. The SDK's files travel in this jar and are
 * written out once per worker process. The task's module is looked up first as a resource of the
 * DAG bundle ({@code module/path.py}, written into the task's directory with its requirements file),
 * then on {@code GALE_PYTHON_PATH}. {@code GALE_PYTHON} names the interpreter (default
 * {@code python3}); environments are cached under {@code GALE_PYTHON_HOME} (default
 * {@code ~/.gale/python-worker}), built from the wheels in {@code GALE_PYTHON_WHEELS} when set.
 */
final class PythonTaskCommand {
    private static final List<String> SDK_FILES = List.of("__init__.py", "tasks.py", "child.py", "llm.py",
            "environments.py", "launch.py");
    private static Path sdkDir;

    private PythonTaskCommand() {
    }

    /** The command for {@code spec}, with the settings above read from {@code env} (the worker's environment). */
    static List<String> of(PythonSpec spec, ClassLoader bundle, Path taskDir, Map<String, String> env) {
        String module = spec.function().substring(0, spec.function().indexOf(':'));
        copyResource(bundle, module.replace('.', '/') + ".py", taskDir);
        if (spec.requirements() != null) {
            copyResource(bundle, spec.requirements(), taskDir);
        }
        List<String> command = new ArrayList<>(List.of(setting(env, "GALE_PYTHON", "python3"), "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); from gale_sdk.launch import main; main(sys.argv[2:])",
                sdk().toString(), "--path", taskDir.toString()));
        for (String entry : setting(env, "GALE_PYTHON_PATH", "").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                command.addAll(List.of("--path", entry));
            }
        }
        command.addAll(List.of("--home", setting(env, "GALE_PYTHON_HOME",
                Path.of(System.getProperty("user.home"), ".gale", "python-worker").toString())));
        String wheels = setting(env, "GALE_PYTHON_WHEELS", "");
        if (!wheels.isBlank()) {
            command.addAll(List.of("--wheels", wheels));
        }
        if (spec.requirements() != null) {
            command.addAll(List.of("--requirements", spec.requirements()));
        }
        if (spec.systemSitePackages()) {
            command.add("--system-site-packages");
        }
        command.add(spec.function());
        return command;
    }

    private static String setting(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Where this worker wrote the SDK's files, written on first use. */
    private static synchronized Path sdk() {
        if (sdkDir == null) {
            try {
                Path dir = Files.createTempDirectory("gale-python-sdk-");
                for (String file : SDK_FILES) {
                    if (!copyResource(PythonTaskCommand.class.getClassLoader(), "gale_sdk/" + file, dir)) {
                        throw new IllegalStateException("gale_sdk/" + file + " is missing from the task SDK jar");
                    }
                }
                sdkDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the Python SDK's files", e);
            }
        }
        return sdkDir;
    }

    private static boolean copyResource(ClassLoader loader, String name, Path dir) {
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                return false;
            }
            Path target = dir.resolve(name).normalize();
            if (!target.startsWith(dir)) {
                throw new IllegalArgumentException("'" + name + "' points outside the task's directory");
            }
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name + " for a Python task", e);
        }
    }
}
