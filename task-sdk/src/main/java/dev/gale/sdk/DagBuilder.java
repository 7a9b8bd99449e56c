package dev.gale.sdk;

import dev.gale.sdk.spec.AliasTriggerSpec;
import dev.gale.sdk.spec.DagSpec;
import dev.gale.sdk.spec.DeadlineSpec;
import dev.gale.sdk.spec.MapSpec;
import dev.gale.sdk.spec.ScheduleSpec;
import dev.gale.sdk.spec.TaskSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** Declares a DAG. Obtain one from {@link Dag#builder(String)}; {@link #build()} validates it. */
public final class DagBuilder {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,250}");
    /** The asset registry's alias names. */
    private static final Pattern ALIAS_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    private final String dagId;
    private String description = "";
    private String owner = "";
    private final Set<String> tags = new LinkedHashSet<>();
    private final List<Param> params = new ArrayList<>();
    private final List<TaskBuilder> tasks = new ArrayList<>();
    /** The approvals declared with a fixed request, whose shown tasks build() checks. */
    private final Map<String, HumanRequest> approvals = new LinkedHashMap<>();
    private String resultTaskId;
    private String cron;
    private String timezone = "UTC";
    private final List<String> scheduleAssets = new ArrayList<>();
    private final List<AliasTriggerSpec> scheduleAliases = new ArrayList<>();
    private boolean scheduleOnAllAssets;
    private boolean catchup;
    private KafkaTrigger kafka;
    private Instant startDate;
    private final List<Notifier> notifiers = new ArrayList<>();
    private DeadlineSpec deadline;
    private final Map<Notifier.RunEvent, RunCallback> runCallbacks = new java.util.EnumMap<>(Notifier.RunEvent.class);
    private String runCallbackQueue = "default";
    private Instant endDate;
    private Integer maxActiveRuns;
    private Integer maxActiveTasks;
    private boolean pausedOnCreation;
    private Double llmBudgetUsd;

    DagBuilder(String dagId) {
        this.dagId = Objects.requireNonNull(dagId, "dag id");
    }

    public DagBuilder description(String text) {
        this.description = Objects.requireNonNull(text);
        return this;
    }

    public DagBuilder owner(String name) {
        this.owner = Objects.requireNonNull(name);
        return this;
    }

    public DagBuilder tags(String... names) {
        tags.addAll(List.of(names));
        return this;
    }

    public DagBuilder param(Param param) {
        params.add(Objects.requireNonNull(param));
        return this;
    }

    /** Declares a task; configure it and its dependencies through the returned builder. */
    public TaskBuilder task(String taskId, TaskFunction function) {
        TaskBuilder task = new TaskBuilder(taskId, function, false);
        tasks.add(task);
        return task;
    }

    /**
     * Declares a sensor: a task that is nothing but a deferral on {@code trigger}, holding no worker slot
     * while it waits. Its output is the fired event's data (a JSON object). It waits for ever; see
     * {@link #sensor(String, Trigger, Duration)}.
     */
    public TaskBuilder sensor(String taskId, Trigger trigger) {
        return sensor(taskId, trigger, null);
    }

    /** As {@link #sensor(String, Trigger)}, failing (or firing the trigger's timeoutEvent) after {@code timeout}. */
    public TaskBuilder sensor(String taskId, Trigger trigger, Duration timeout) {
        if (trigger == null) {
            throw new DagDefinitionException(dagId, "sensor '" + taskId + "' needs a trigger, e.g."
                    + " Trigger.filePresent(\"/data/in/*.csv\", Duration.ofSeconds(30))");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new DagDefinitionException(dagId, "sensor '" + taskId + "' has timeout " + timeout
                    + "; a timeout must be positive, or left out to wait for ever");
        }
        return task(taskId, ctx -> ctx.defer(trigger, timeout).data());
    }

    /**
     * Declares an approval: a task that only asks a person and waits, deferred, for the decision, which is
     * its output (a {@link HumanDecision}). An option named like one of its direct downstream tasks picks a
     * branch: the downstream tasks named by the options not taken are skipped; the others run.
     */
    public TaskBuilder approval(String taskId, HumanRequest request) {
        if (request == null) {
            throw new DagDefinitionException(dagId, "approval '" + taskId + "' needs a request, e.g."
                    + " HumanRequest.ask(\"Publish the answer?\")");
        }
        approvals.put(taskId, request);
        return approval(taskId, ctx -> request);
    }

    /** As {@link #approval(String, HumanRequest)}, with the request made when the task runs, e.g. from its inputs. */
    public TaskBuilder approval(String taskId, HumanRequestSource request) {
        Objects.requireNonNull(request, "request of approval '" + taskId + "'");
        TaskBuilder task = new TaskBuilder(taskId, ctx -> {
            HumanRequest asked = request.request(ctx);
            HumanDecision decision = ctx.awaitHuman(asked);
            Set<String> untaken = new LinkedHashSet<>(asked.options());
            untaken.remove(decision.option());
            return decision.following(tasks.stream().filter(t -> t.upstream().contains(taskId))
                    .map(TaskBuilder::id).filter(id -> !untaken.contains(id)).toList());
        }, true);
        tasks.add(task);
        return task;
    }

    /** Declares a typed task without inputs; its handle gives its output, typed, to downstream tasks. */
    public <T> Task<T> task(String taskId, Class<T> output, TaskCode.Source<T> code) {
        return task(taskId, TypeToken.of(output), code);
    }

    public <T> Task<T> task(String taskId, TypeToken<T> output, TaskCode.Source<T> code) {
        return typed(taskId, output, code::run);
    }

    /** Declares a task that takes {@code a}'s output: one call says both the edge and the type. */
    public <A, T> Task<T> task(String taskId, Class<T> output, Task<A> a, TaskCode.One<A, T> code) {
        return task(taskId, TypeToken.of(output), a, code);
    }

    public <A, T> Task<T> task(String taskId, TypeToken<T> output, Task<A> a, TaskCode.One<A, T> code) {
        return typed(taskId, output, ctx -> code.run(a.read(ctx)), a);
    }

    public <A, T> Task<T> task(String taskId, Class<T> output, Task<A> a, TaskCode.OneWithContext<A, T> code) {
        return task(taskId, TypeToken.of(output), a, code);
    }

    public <A, T> Task<T> task(String taskId, TypeToken<T> output, Task<A> a, TaskCode.OneWithContext<A, T> code) {
        return typed(taskId, output, ctx -> code.run(ctx, a.read(ctx)), a);
    }

    public <A, B, T> Task<T> task(String taskId, Class<T> output, Task<A> a, Task<B> b, TaskCode.Two<A, B, T> code) {
        return task(taskId, TypeToken.of(output), a, b, code);
    }

    public <A, B, T> Task<T> task(String taskId, TypeToken<T> output, Task<A> a, Task<B> b,
            TaskCode.Two<A, B, T> code) {
        return typed(taskId, output, ctx -> code.run(a.read(ctx), b.read(ctx)), a, b);
    }

    public <A, B, T> Task<T> task(String taskId, Class<T> output, Task<A> a, Task<B> b,
            TaskCode.TwoWithContext<A, B, T> code) {
        return task(taskId, TypeToken.of(output), a, b, code);
    }

    public <A, B, T> Task<T> task(String taskId, TypeToken<T> output, Task<A> a, Task<B> b,
            TaskCode.TwoWithContext<A, B, T> code) {
        return typed(taskId, output, ctx -> code.run(ctx, a.read(ctx), b.read(ctx)), a, b);
    }

    public <A, B, C, T> Task<T> task(String taskId, Class<T> output, Task<A> a, Task<B> b, Task<C> c,
            TaskCode.Three<A, B, C, T> code) {
        return task(taskId, TypeToken.of(output), a, b, c, code);
    }

    public <A, B, C, T> Task<T> task(String taskId, TypeToken<T> output, Task<A> a, Task<B> b, Task<C> c,
            TaskCode.Three<A, B, C, T> code) {
        return typed(taskId, output, ctx -> code.run(a.read(ctx), b.read(ctx), c.read(ctx)), a, b, c);
    }

    /**
     * Maps {@code code} over the list that {@code source} returns, one task instance per element;
     * downstream tasks get the instances' outputs as a {@code List<T>}, in map-index order.
     */
    public <E, T> Task<List<T>> map(String taskId, Class<T> output, Task<? extends List<E>> source,
            TaskCode.One<E, T> code) {
        return map(taskId, TypeToken.of(output), source, code);
    }

    public <E, T> Task<List<T>> map(String taskId, TypeToken<T> output, Task<? extends List<E>> source,
            TaskCode.One<E, T> code) {
        return map(taskId, output, source, (TaskCode.OneWithContext<E, T>) (ctx, element) -> code.run(element));
    }

    /** {@link #map(String, Class, Task, TaskCode.One)} whose code also gets the task's context (params, models). */
    public <E, T> Task<List<T>> map(String taskId, Class<T> output, Task<? extends List<E>> source,
            TaskCode.OneWithContext<E, T> code) {
        return map(taskId, TypeToken.of(output), source, code);
    }

    public <E, T> Task<List<T>> map(String taskId, TypeToken<T> output, Task<? extends List<E>> source,
            TaskCode.OneWithContext<E, T> code) {
        if (source.isMapped()) {
            throw new DagDefinitionException(dagId, "task '" + taskId + "' maps over mapped task '" + source.id()
                    + "'; map over a task that returns one list, or reduce '" + source.id() + "' first");
        }
        @SuppressWarnings("unchecked")
        TypeToken<E> element = (TypeToken<E>) source.type().listElement(dagId, taskId);
        TaskBuilder task = task(taskId, ctx -> code.run(ctx, ctx.item(element)));
        task.expand(source.builder());
        return new Task<>(task, TypeToken.listOf(output), output);
    }

    private <T> Task<T> typed(String taskId, TypeToken<T> output, TaskFunction function, Task<?>... inputs) {
        TaskBuilder task = task(taskId, function);
        for (Task<?> input : inputs) {
            task.after(input.builder());
        }
        return new Task<>(task, output, null);
    }

    /**
     * Declares a branch task: it returns the ids of the direct downstream tasks to follow, and the
     * other direct downstream tasks are skipped.
     */
    public TaskBuilder branch(String taskId, BranchFunction function) {
        TaskBuilder task = new TaskBuilder(taskId, ctx -> List.copyOf(function.choose(ctx)), true);
        tasks.add(task);
        return task;
    }

    /**
     * Declares a task that runs {@code command} (program and arguments, in any language) as a child
     * process of the worker, e.g. {@code command("embed", "python3", "embed.py")}. Exit code 0 is
     * success; stdout and stderr become the task log. The process reads params and XComs and
     * writes its output through the JSON-lines protocol on the socket named by the
     * {@code GALE_TASK_SOCKET} environment variable (see the task SDK's README).
     */
    public TaskBuilder command(String taskId, String... command) {
        TaskBuilder task = TaskBuilder.command(taskId, List.of(command));
        tasks.add(task);
        return task;
    }

    /**
     * Declares a task that runs a Python function of the Python task SDK ({@code gale_sdk}), named
     * {@code module:function}, e.g. {@code python("split", "splitter:split")}: on a Python worker
     * ({@code python3 -m gale_sdk.worker}) serving the task's queue, or on a Java worker as a child
     * process. Give it its own environment with {@link TaskBuilder#requirements}.
     */
    public TaskBuilder python(String taskId, String function) {
        TaskBuilder task = TaskBuilder.python(taskId, function);
        tasks.add(task);
        return task;
    }

    /**
     * Declares a task that runs as its own Kubernetes pod, as Airflow's KubernetesPodOperator does, e.g.
     * {@code kubernetesPod("train", KubernetesPod.image("ghcr.io/acme/train:1.4").gpus(1))}: on a worker
     * that runs {@code kubernetes_pod} tasks (one with a Kubernetes client configuration) serving the task's
     * queue. A mistake in the pod fails here, naming the DAG and the task.
     */
    public TaskBuilder kubernetesPod(String taskId, KubernetesPod pod) {
        TaskBuilder task;
        try {
            task = TaskBuilder.kubernetesPod(taskId, pod.toSpec());
        } catch (IllegalArgumentException e) {
            throw new DagDefinitionException(dagId, "task '" + taskId + "': " + e.getMessage());
        }
        tasks.add(task);
        return task;
    }

    /**
     * As {@link #kubernetesPod(String, KubernetesPod)}, with a typed handle: the pod's output (its output file or
     * last stdout line, JSON) is read as an {@code output}, so a typed downstream task takes it and the edge at once.
     */
    public <T> Task<T> kubernetesPod(String taskId, Class<T> output, KubernetesPod pod) {
        return new Task<>(kubernetesPod(taskId, pod), TypeToken.of(output), null);
    }

    /** As {@link #kubernetesPod(String, KubernetesPod)}, for a pod that needs no more than its image and command. */
    public TaskBuilder kubernetesPod(String taskId, String image, String... command) {
        return kubernetesPod(taskId, KubernetesPod.image(image).command(command));
    }

    /** Starts a task group: its tasks get ids prefixed with {@code groupId.}. */
    public TaskGroup group(String groupId) {
        return new TaskGroup(groupId, this);
    }

    /**
     * Runs the DAG on a schedule: a five-field cron expression ({@code "30 2 * * 1-5"}) or a preset
     * ({@code @hourly}, {@code @daily}, {@code @weekly}, {@code @monthly}, {@code @yearly}), in UTC.
     */
    public DagBuilder schedule(String cronOrPreset) {
        return schedule(cronOrPreset, "UTC");
    }

    /** Runs the DAG on a cron schedule in the given time zone, e.g. {@code "Europe/Paris"}. */
    public DagBuilder schedule(String cronOrPreset, String timeZone) {
        this.cron = Objects.requireNonNull(cronOrPreset);
        this.timezone = Objects.requireNonNull(timeZone);
        return this;
    }

    /** Runs the DAG when any of these assets gets a new version. */
    public DagBuilder scheduleOnAnyOf(String... assetNames) {
        scheduleAssets.addAll(List.of(assetNames));
        scheduleOnAllAssets = false;
        return this;
    }

    /** Runs the DAG once each of these assets has a new version since its last asset-triggered run. */
    public DagBuilder scheduleOnAllOf(String... assetNames) {
        scheduleAssets.addAll(List.of(assetNames));
        scheduleOnAllAssets = true;
        return this;
    }

    /**
     * Runs the DAG each time {@code alias} of {@code assetName} moves, by a task or a person: e.g. a deployment
     * DAG on {@code scheduleOnAliasMove("model://churn", "production")}. The run's conf lists the move under
     * {@code triggeringAssetVersions} (asset, alias, version, fromVersion, movedBy, reason).
     */
    public DagBuilder scheduleOnAliasMove(String assetName, String alias) {
        scheduleAliases.add(new AliasTriggerSpec(Objects.requireNonNull(assetName, "assetName"),
                Objects.requireNonNull(alias, "alias")));
        return this;
    }

    /**
     * Runs the DAG on the records of a Kafka topic, one run per micro-batch (run type
     * {@code event_triggered}); e.g. {@code schedule(Triggers.kafka("support-events").maxRecords(500))}.
     */
    public DagBuilder schedule(KafkaTrigger trigger) {
        this.kafka = Objects.requireNonNull(trigger, "trigger");
        return this;
    }

    /** Creates the scheduled runs missed while Gale was down or the DAG paused. Off by default. */
    public DagBuilder catchup(boolean enabled) {
        this.catchup = enabled;
        return this;
    }

    /**
     * The schedule's first possible fire: with catchup, a DAG first seen later gets the runs from here
     * on. Without a start date, the schedule starts when Gale first sees the DAG.
     */
    public DagBuilder startDate(Instant date) {
        this.startDate = Objects.requireNonNull(date);
        return this;
    }

    /** The schedule's last possible fire: it creates no run after this date (backfills still may). */
    public DagBuilder endDate(Instant date) {
        this.endDate = Objects.requireNonNull(date);
        return this;
    }

    /** Tells this notifier about the DAG's runs (see {@link Notifier}); may be called for several. */
    public DagBuilder notify(Notifier notifier) {
        notifiers.add(Objects.requireNonNull(notifier));
        return this;
    }

    /**
     * Runs {@code callback} on a worker when a run of this DAG fails, with the run, its failed tasks and
     * their errors; at least once (see {@link RunCallback}), never holding up scheduling.
     */
    public DagBuilder onRunFailure(RunCallback callback) {
        return runCallback(Notifier.RunEvent.FAILED, callback);
    }

    /** Runs {@code callback} on a worker when a run of this DAG succeeds; at least once. */
    public DagBuilder onRunSuccess(RunCallback callback) {
        return runCallback(Notifier.RunEvent.SUCCESS, callback);
    }

    /** Runs {@code callback} on a worker, once a run is found past its {@link #deadline(Duration)}; at least once. */
    public DagBuilder onDeadlineMissed(RunCallback callback) {
        return runCallback(Notifier.RunEvent.DEADLINE_MISSED, callback);
    }

    private DagBuilder runCallback(Notifier.RunEvent event, RunCallback callback) {
        if (runCallbacks.putIfAbsent(event, Objects.requireNonNull(callback)) != null) {
            throw new DagDefinitionException(dagId, "it declares two " + event.wireName() + " run callbacks; declare"
                    + " one and call both from it");
        }
        return this;
    }

    /** The queue whose workers run this DAG's run callbacks ({@code default} unless set). */
    public DagBuilder runCallbacksOn(String queue) {
        this.runCallbackQueue = Objects.requireNonNull(queue);
        return this;
    }

    /**
     * Each run must finish within {@code within} of its logical date (a run without one: of when it
     * was queued); otherwise its deadline is missed, which is recorded and sent to the notifiers once.
     */
    public DagBuilder deadline(Duration within) {
        return deadline(within, false);
    }

    /** As {@link #deadline(Duration)}, counted from when each run was queued (triggered). */
    public DagBuilder deadlineFromTrigger(Duration within) {
        return deadline(within, true);
    }

    private DagBuilder deadline(Duration within, boolean fromQueued) {
        if (within.isNegative() || within.isZero()) {
            throw new DagDefinitionException(dagId, "a deadline must be a positive duration, got " + within);
        }
        this.deadline = new DeadlineSpec(within.toMillis(), fromQueued ? "queued" : "logical_date");
        return this;
    }

    /** At most this many runs of the DAG run at once; the rest wait in {@code queued}, in trigger order. */
    public DagBuilder maxActiveRuns(int count) {
        this.maxActiveRuns = count;
        return this;
    }

    /** At most this many task instances of the DAG (over all its runs) are queued or running at once. */
    public DagBuilder maxActiveTasks(int count) {
        this.maxActiveTasks = count;
        return this;
    }

    /**
     * Caps what the LLM calls of each run of this DAG may cost, in US dollars; a call that would go
     * over fails its task, naming the budget. A run's conf ({@code llm.budgetUsd}) may lower it.
     */
    public DagBuilder llmBudgetUsd(double usd) {
        if (!(usd > 0)) {
            throw new DagDefinitionException(dagId, "llmBudgetUsd must be more than 0 US dollars, got " + usd);
        }
        this.llmBudgetUsd = usd;
        return this;
    }

    /** The DAG starts paused when Gale first loads it: its schedule creates no runs until unpaused. */
    public DagBuilder pausedOnCreation() {
        this.pausedOnCreation = true;
        return this;
    }

    /** The task whose output is the run's result, returned by the synchronous API. */
    public DagBuilder result(TaskBuilder task) {
        this.resultTaskId = task.id();
        return this;
    }

    /** The task whose output is the run's result, returned by the synchronous API. */
    public DagBuilder result(Task<?> task) {
        return result(task.builder());
    }

    public Dag build() {
        if (!ID.matcher(dagId).matches()) {
            throw new DagDefinitionException(dagId, "the DAG id must be 1 to 250 letters, digits, '_', '.' or '-'");
        }
        if (tasks.isEmpty()) {
            throw new DagDefinitionException(dagId, "it declares no task; add one with task(id, function)");
        }
        Map<String, TaskBuilder> byId = new LinkedHashMap<>();
        for (TaskBuilder task : tasks) {
            if (!ID.matcher(task.id()).matches()) {
                throw new DagDefinitionException(dagId, "task '" + task.id()
                        + "': a task id must be 1 to 250 letters, digits, '_', '.' or '-'");
            }
            if (byId.putIfAbsent(task.id(), task) != null) {
                throw new DagDefinitionException(dagId, "task '" + task.id() + "' is declared twice; task ids must be unique");
            }
        }
        for (TaskBuilder task : tasks) {
            for (String upstreamId : task.upstream()) {
                if (!byId.containsKey(upstreamId)) {
                    throw new DagDefinitionException(dagId, "task '" + task.id() + "' depends on unknown task '"
                            + upstreamId + "'");
                }
            }
        }
        List<String> cycle = TaskGraphs.findCycle(byId.keySet(), id -> byId.get(id).upstream());
        if (!cycle.isEmpty()) {
            throw new DagDefinitionException(dagId, "tasks form a cycle: " + String.join(" >> ", cycle));
        }
        if (resultTaskId != null && !byId.containsKey(resultTaskId)) {
            throw new DagDefinitionException(dagId, "the result names unknown task '" + resultTaskId + "'");
        }
        approvals.forEach((taskId, request) -> request.shows().stream().filter(id -> !byId.containsKey(id)).findFirst()
                .ifPresent(id -> {
                    throw new DagDefinitionException(dagId, "approval '" + taskId + "' shows unknown task '" + id
                            + "'; show the upstream tasks whose outputs the reviewer needs");
                }));
        validateParams();
        validateMapping(byId);
        validateSchedule();
        if (deadline == null && runCallbacks.containsKey(Notifier.RunEvent.DEADLINE_MISSED)) {
            throw new DagDefinitionException(dagId, "it declares onDeadlineMissed but no deadline; add deadline(...)");
        }
        List<dev.gale.sdk.spec.NotifierSpec> notifierSpecs = new ArrayList<>(notifiers.stream()
                .map(n -> n.toSpec(dagId)).toList());
        if (!runCallbacks.isEmpty()) {
            // The outbox enqueues run callbacks like notifiers, in the transaction that ends the run.
            notifierSpecs.add(new dev.gale.sdk.spec.NotifierSpec(RunCallbacks.NOTIFIER_KIND,
                    RunCallbacks.QUEUE_PREFIX + runCallbackQueue,
                    runCallbacks.keySet().stream().map(Notifier.RunEvent::wireName).toList(), null, List.of(), null));
        }
        ScheduleSpec schedule = cron == null && scheduleAssets.isEmpty() && kafka == null && scheduleAliases.isEmpty()
                ? null
                : new ScheduleSpec(cron, timezone, scheduleAssets, scheduleOnAllAssets, catchup, startDate, endDate,
                        kafka == null ? null : kafka.toSpec(dagId), scheduleAliases);
        return new Dag(new DagSpec(dagId, description, owner, List.copyOf(tags),
                params.stream().map(Param::toSpec).toList(),
                byId.values().stream().map(TaskBuilder::toSpec).sorted(Comparator.comparing(TaskSpec::taskId)).toList(),
                resultTaskId, schedule, maxActiveRuns, maxActiveTasks, pausedOnCreation, llmBudgetUsd,
                notifierSpecs, deadline), byId, new RunCallbacks(runCallbacks, runCallbackQueue));
    }

    private void validateMapping(Map<String, TaskBuilder> byId) {
        for (TaskBuilder task : byId.values()) {
            MapSpec expand = task.expandSpec();
            if (expand == null || !MapSpec.PARAM.equals(expand.source())) {
                continue;
            }
            Param param = params.stream().filter(p -> p.name().equals(expand.name())).findFirst().orElseThrow(() ->
                    new DagDefinitionException(dagId, "task '" + task.id() + "' maps over param '" + expand.name()
                            + "', which the DAG does not declare"));
            if (param.type() != ParamType.ARRAY) {
                throw new DagDefinitionException(dagId, "task '" + task.id() + "' maps over param '" + expand.name()
                        + "', which is " + param.type().wireName() + ", not a list; declare it with Param.array");
            }
        }
    }

    private void validateSchedule() {
        for (AliasTriggerSpec trigger : scheduleAliases) {
            if (!ALIAS_NAME.matcher(trigger.alias()).matches()) {
                throw new DagDefinitionException(dagId, "scheduleOnAliasMove(\"" + trigger.asset() + "\", \""
                        + trigger.alias() + "\"): '" + trigger.alias() + "' is not an alias name; use lower-case"
                        + " letters, digits, '-' and '_', starting with a letter, e.g. 'production'");
            }
            if (trigger.asset().isBlank()) {
                throw new DagDefinitionException(dagId, "scheduleOnAliasMove needs an asset name, e.g."
                        + " \"model://churn\"");
            }
        }
        if (cron == null) {
            if (startDate != null || endDate != null) {
                throw new DagDefinitionException(dagId, "startDate and endDate bound a cron schedule, and the DAG"
                        + " has none; add schedule(cron) or remove them");
            }
            return;
        }
        if (startDate != null && endDate != null && endDate.isBefore(startDate)) {
            throw new DagDefinitionException(dagId, "endDate " + endDate + " is before startDate " + startDate);
        }
        try {
            UnixCron.toQuartz(cron);
        } catch (IllegalArgumentException e) {
            throw new DagDefinitionException(dagId, "schedule " + e.getMessage());
        }
        try {
            java.time.ZoneId.of(timezone);
        } catch (java.time.DateTimeException e) {
            throw new DagDefinitionException(dagId, "schedule time zone '" + timezone + "' is unknown; use an IANA"
                    + " name such as Europe/Paris");
        }
        if (maxActiveRuns != null && maxActiveRuns < 1) {
            throw new DagDefinitionException(dagId, "maxActiveRuns must be at least 1");
        }
    }

    private void validateParams() {
        Set<String> names = new LinkedHashSet<>();
        for (Param param : params) {
            if (!names.add(param.name())) {
                throw new DagDefinitionException(dagId, "param '" + param.name() + "' is declared twice");
            }
            if (param.defaultValue() != null) {
                List<String> problems = ParamValidator.check(param.toSpec(), param.defaultValue());
                if (!problems.isEmpty()) {
                    throw new DagDefinitionException(dagId, "the default of param '" + param.name()
                            + "' breaks its own schema: " + String.join("; ", problems));
                }
            }
        }
    }
}
