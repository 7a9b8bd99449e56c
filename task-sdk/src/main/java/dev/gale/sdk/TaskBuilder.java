package dev.gale.sdk;

import dev.gale.sdk.spec.IsolationSpec;
import dev.gale.sdk.spec.PythonSpec;
import dev.gale.sdk.spec.MapSpec;
import dev.gale.sdk.spec.ResourceSpec;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A task being declared in a {@link DagBuilder}. Options chain; {@link #then(TaskBuilder)} declares
 * {@code this >> next} and returns {@code next}, so {@code a.then(b).then(c)} reads as a chain.
 */
public final class TaskBuilder {
    private static final Pattern PYTHON_FUNCTION = Pattern.compile("[A-Za-z_][\\w.]*:[A-Za-z_]\\w*");
    private final String id;
    private final TaskFunction function;
    private final Set<String> upstream = new LinkedHashSet<>();
    private TriggerRule triggerRule = TriggerRule.ALL_SUCCESS;
    private int retries;
    private Duration retryDelay = Duration.ofSeconds(30);
    private boolean exponentialBackoff;
    private Duration maxRetryDelay;
    private Duration executionTimeout;
    private String queue = "default";
    private int priorityWeight = 1;
    private final Set<String> inlets = new java.util.TreeSet<>();
    private final Set<String> outlets = new java.util.TreeSet<>();
    private final boolean branch;
    private MapSpec expand;
    private String pool;
    private Integer poolSlots;
    private ResourceSpec resources = ResourceSpec.NONE;
    private IsolationSpec isolation;
    private dev.gale.sdk.spec.LlmSpec llm;
    private final String source = declaredAt();
    private TaskCallbacks callbacks = TaskCallbacks.NONE;

    TaskBuilder(String id, TaskFunction function, boolean branch) {
        this.id = Objects.requireNonNull(id, "task id");
        this.function = Objects.requireNonNull(function, "task function of '" + id + "'");
        this.branch = branch;
    }

    /** The classes a declaring call passes through on its way here; the first frame past them is the user's. */
    private static final Set<Class<?>> DSL = Set.of(TaskBuilder.class, DagBuilder.class, TaskGroup.class);
    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /** Where the DAG's code declared this task, as {@code class:line}, for the task page; null if unknown. */
    private static String declaredAt() {
        return STACK.walk(frames -> frames.filter(f -> !DSL.contains(f.getDeclaringClass())).findFirst()
                .map(f -> f.getClassName() + (f.getLineNumber() > 0 ? ":" + f.getLineNumber() : "")).orElse(null));
    }

    /** A task without Java code: the worker runs {@code isolation}'s command or Python function. */
    private TaskBuilder(String id, IsolationSpec isolation) {
        this.id = Objects.requireNonNull(id, "task id");
        this.function = null;
        this.branch = false;
        this.isolation = isolation;
    }

    static TaskBuilder command(String id, List<String> command) {
        if (command.isEmpty() || command.getFirst().isBlank()) {
            throw new IllegalArgumentException("task '" + id + "': a command task needs a program to run,"
                    + " e.g. command(\"" + id + "\", \"python3\", \"embed.py\")");
        }
        return new TaskBuilder(id, new IsolationSpec(IsolationSpec.COMMAND, command, List.of()));
    }

    static TaskBuilder python(String id, String function) {
        if (function == null || !PYTHON_FUNCTION.matcher(function).matches()) {
            throw new IllegalArgumentException("task '" + id + "': a Python task names its @task function as"
                    + " module:function, e.g. python(\"" + id + "\", \"splitter:split\"); got '" + function + "'");
        }
        return new TaskBuilder(id, new IsolationSpec(IsolationSpec.PYTHON, List.of(), List.of(),
                new PythonSpec(function, null, false)));
    }

    static TaskBuilder kubernetesPod(String id, dev.gale.sdk.spec.KubernetesPodSpec pod) {
        return new TaskBuilder(id, IsolationSpec.kubernetesPod(pod));
    }

    /**
     * Runs this Python task in a virtual environment built from {@code requirementsFile} (a path on the
     * worker's task path, e.g. shipped beside the task's module) instead of the worker's interpreter;
     * environments are cached by the file's hash, so tasks with the same file share one.
     */
    public TaskBuilder requirements(String requirementsFile) {
        PythonSpec python = pythonSpec("requirements");
        this.isolation = new IsolationSpec(IsolationSpec.PYTHON, List.of(), List.of(),
                new PythonSpec(python.function(), requirementsFile, python.systemSitePackages()));
        return this;
    }

    /** Lets this Python task's environment see the packages of the interpreter it was built from. */
    public TaskBuilder systemSitePackages() {
        PythonSpec python = pythonSpec("systemSitePackages");
        this.isolation = new IsolationSpec(IsolationSpec.PYTHON, List.of(), List.of(),
                new PythonSpec(python.function(), python.requirements(), true));
        return this;
    }

    private PythonSpec pythonSpec(String option) {
        if (isolation == null || isolation.python() == null) {
            throw new IllegalStateException("task '" + id + "' is not a Python task; " + option + "() is for tasks"
                    + " declared with python(...)");
        }
        return isolation.python();
    }

    public String id() {
        return id;
    }

    /** Declares {@code this >> next}: next runs after this. Returns next, for chains. */
    public TaskBuilder then(TaskBuilder next) {
        next.upstream.add(id);
        return next;
    }

    /** Declares that this task runs after each of {@code upstreamTasks} (fan-in). */
    public TaskBuilder after(TaskBuilder... upstreamTasks) {
        for (TaskBuilder task : upstreamTasks) {
            upstream.add(task.id);
        }
        return this;
    }

    /** Declares upstream tasks by id; an id that names no task fails the DAG at build. */
    public TaskBuilder after(String... upstreamTaskIds) {
        upstream.addAll(Set.of(upstreamTaskIds));
        return this;
    }

    public TaskBuilder triggerRule(TriggerRule rule) {
        this.triggerRule = Objects.requireNonNull(rule);
        return this;
    }

    /** How many times a failed attempt is retried, waiting {@code delay} before each retry. */
    public TaskBuilder retries(int count, Duration delay) {
        this.retries = count;
        this.retryDelay = Objects.requireNonNull(delay);
        return this;
    }

    public TaskBuilder retries(int count) {
        this.retries = count;
        return this;
    }

    /** Doubles the retry delay after each attempt, never waiting longer than {@code maxDelay}. */
    public TaskBuilder exponentialBackoff(Duration maxDelay) {
        this.exponentialBackoff = true;
        this.maxRetryDelay = Objects.requireNonNull(maxDelay);
        return this;
    }

    public TaskBuilder executionTimeout(Duration timeout) {
        this.executionTimeout = Objects.requireNonNull(timeout);
        return this;
    }

    public TaskBuilder queue(String name) {
        this.queue = Objects.requireNonNull(name);
        return this;
    }

    public TaskBuilder priorityWeight(int weight) {
        this.priorityWeight = weight;
        return this;
    }

    /** Names the assets this task reads, e.g. {@code s3://bucket/docs}. */
    public TaskBuilder reads(String... assetNames) {
        inlets.addAll(List.of(assetNames));
        return this;
    }

    /** Names the assets this task writes, e.g. {@code model://churn}. */
    public TaskBuilder writes(String... assetNames) {
        outlets.addAll(List.of(assetNames));
        return this;
    }

    /**
     * Maps this task over the list that {@code source} returns: one task instance per element, known
     * only at run time (read it with {@link TaskContext#item(Class)}). Also makes {@code source} an
     * upstream. An empty list skips this task.
     */
    public TaskBuilder expand(TaskBuilder source) {
        upstream.add(source.id());
        this.expand = new MapSpec(MapSpec.TASK, source.id());
        return this;
    }

    /** Maps this task over a list param of the run's conf; the param must be declared as an array. */
    public TaskBuilder expandParam(String paramName) {
        this.expand = new MapSpec(MapSpec.PARAM, Objects.requireNonNull(paramName));
        return this;
    }

    /** Runs this task only while its pool has a free slot; pools bound concurrency across DAGs. */
    public TaskBuilder pool(String name) {
        this.pool = Objects.requireNonNull(name);
        return this;
    }

    /** As {@link #pool(String)}, taking {@code slots} slots of the pool while the task is queued or running. */
    public TaskBuilder pool(String name, int slots) {
        return pool(name).poolSlots(slots);
    }

    /** How many slots of its pool the task takes (1 unless set), e.g. for a heavy warehouse query. */
    public TaskBuilder poolSlots(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("task '" + id + "': poolSlots must be at least 1, got " + slots);
        }
        this.poolSlots = slots;
        return this;
    }

    /** What the task needs of its worker: CPUs, memory, GPUs and GPU memory (0 = not stated). */
    public TaskBuilder resources(double cpu, long memoryMb, int gpu, long gpuMemoryMb) {
        this.resources = new ResourceSpec(cpu, memoryMb, gpu, gpuMemoryMb);
        return this;
    }

    /** What the task needs of its worker, e.g. {@code resources(Resources.cpus(1).memoryMb(2048))}. */
    public TaskBuilder resources(Resources resources) {
        this.resources = resources.toSpec();
        return this;
    }

    /**
     * What this task needs of a model; {@code CommonLlm.forTask(ctx)} picks one from the deployment's
     * catalog when the task runs, and records every call's tokens and cost against the task instance.
     */
    public TaskBuilder llm(ModelNeeds needs) {
        this.llm = needs.toSpec();
        return this;
    }

    /**
     * Runs {@code callback} on the worker when an attempt of this task succeeds, before the success is
     * reported. What it throws is written to the task log; the task still succeeds.
     */
    public TaskBuilder onSuccess(TaskCallback callback) {
        callbacks = new TaskCallbacks(Objects.requireNonNull(callback), callbacks.onRetry(), callbacks.onFailure(),
                callbacks.timeout());
        return this;
    }

    /**
     * Runs {@code callback} on the worker when an attempt fails and the task's retry policy retries it
     * (an attempt before the last of {@link #retries(int)}).
     */
    public TaskBuilder onRetry(TaskCallback callback) {
        callbacks = new TaskCallbacks(callbacks.onSuccess(), Objects.requireNonNull(callback), callbacks.onFailure(),
                callbacks.timeout());
        return this;
    }

    /**
     * Runs {@code callback} on the worker when an attempt fails for good: no retry is left, or retrying
     * cannot help. Outcomes the worker never sees (it crashed, or the server timed the attempt out) run
     * no task callback; a DAG's {@link DagBuilder#onRunFailure} still runs for its run.
     */
    public TaskBuilder onFailure(TaskCallback callback) {
        callbacks = new TaskCallbacks(callbacks.onSuccess(), callbacks.onRetry(), Objects.requireNonNull(callback),
                callbacks.timeout());
        return this;
    }

    /** How long each of this task's callbacks may run (one minute unless set); the worker then stops waiting. */
    public TaskBuilder callbackTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("task '" + id + "': callbackTimeout must be positive, got " + timeout);
        }
        callbacks = new TaskCallbacks(callbacks.onSuccess(), callbacks.onRetry(), callbacks.onFailure(), timeout);
        return this;
    }

    TaskCallbacks callbacks() {
        return callbacks;
    }

    MapSpec expandSpec() {
        return expand;
    }

    boolean isBranch() {
        return branch;
    }

    /**
     * Runs this task's Java code in a child JVM instead of the worker's process, with
     * {@code classpathEntries} (jars or directories, on the worker's machine) ahead of the DAG
     * bundle: for a task that needs another version of a library than the worker's. The child
     * never holds the task token; it talks to its worker over a local socket.
     */
    public TaskBuilder childJvm(String... classpathEntries) {
        if (function == null) {
            throw new IllegalStateException("task '" + id + "' runs a command or a Python function; it has no Java"
                    + " code to run in a child JVM");
        }
        this.isolation = new IsolationSpec(IsolationSpec.CHILD_JVM, List.of(), List.of(classpathEntries));
        return this;
    }

    TaskFunction function() {
        return function;
    }

    Set<String> upstream() {
        return upstream;
    }

    dev.gale.sdk.spec.TaskSpec toSpec() {
        if (poolSlots != null && pool == null) {
            throw new IllegalStateException("task '" + id + "' sets poolSlots but names no pool; use pool(name, "
                    + poolSlots + ")");
        }
        return new dev.gale.sdk.spec.TaskSpec(id, upstream.stream().sorted().toList(), triggerRule.wireName(),
                retries, retryDelay.toMillis(), exponentialBackoff,
                maxRetryDelay == null ? null : maxRetryDelay.toMillis(),
                executionTimeout == null ? null : executionTimeout.toMillis(), queue, priorityWeight,
                List.copyOf(inlets), List.copyOf(outlets), branch, expand, pool, resources, isolation, llm,
                poolSlots, source);
    }
}
