package dev.gale.sdk;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A typed handle on a declared task: its output is a {@code T}, so a task declared with this one as
 * input gets a {@code T} and the edge at once, e.g. {@code dag.task("shout", String.class, greet, g -> g + "!")}.
 * The common options chain here; {@link #options(Consumer)} reaches every other one of {@link TaskBuilder}.
 */
public final class Task<T> {
    private final TaskBuilder builder;
    private final TypeToken<T> type;
    private final TypeToken<?> mappedElement;

    Task(TaskBuilder builder, TypeToken<T> type, TypeToken<?> mappedElement) {
        this.builder = builder;
        this.type = Objects.requireNonNull(type, "output type of '" + builder.id() + "'");
        this.mappedElement = mappedElement;
    }

    public String id() {
        return builder.id();
    }

    public TypeToken<T> type() {
        return type;
    }

    /** The untyped builder, for the old style ({@code then}, {@code after}) and the less common options. */
    public TaskBuilder builder() {
        return builder;
    }

    public Task<T> options(Consumer<TaskBuilder> configure) {
        configure.accept(builder);
        return this;
    }

    public Task<T> retries(int count, Duration delay) {
        builder.retries(count, delay);
        return this;
    }

    /** Doubles the retry delay after each attempt, never waiting longer than {@code maxDelay}. */
    public Task<T> exponentialBackoff(Duration maxDelay) {
        builder.exponentialBackoff(maxDelay);
        return this;
    }

    /** Names the assets this task reads. */
    public Task<T> reads(String... assetNames) {
        builder.reads(assetNames);
        return this;
    }

    /** Names the assets this task writes. */
    public Task<T> writes(String... assetNames) {
        builder.writes(assetNames);
        return this;
    }

    public Task<T> executionTimeout(Duration timeout) {
        builder.executionTimeout(timeout);
        return this;
    }

    public Task<T> queue(String name) {
        builder.queue(name);
        return this;
    }

    public Task<T> pool(String name) {
        builder.pool(name);
        return this;
    }

    public Task<T> resources(Resources resources) {
        builder.resources(resources);
        return this;
    }

    public Task<T> llm(ModelNeeds needs) {
        builder.llm(needs);
        return this;
    }

    public Task<T> triggerRule(TriggerRule rule) {
        builder.triggerRule(rule);
        return this;
    }

    /** As {@link TaskBuilder#onSuccess(TaskCallback)}. */
    public Task<T> onSuccess(TaskCallback callback) {
        builder.onSuccess(callback);
        return this;
    }

    /** As {@link TaskBuilder#onRetry(TaskCallback)}. */
    public Task<T> onRetry(TaskCallback callback) {
        builder.onRetry(callback);
        return this;
    }

    /** As {@link TaskBuilder#onFailure(TaskCallback)}. */
    public Task<T> onFailure(TaskCallback callback) {
        builder.onFailure(callback);
        return this;
    }

    /** Also runs after {@code upstream} without taking its output (an edge with no data). */
    public Task<T> after(Task<?>... upstream) {
        for (Task<?> task : upstream) {
            builder.after(task.builder);
        }
        return this;
    }

    boolean isMapped() {
        return mappedElement != null;
    }

    /** Also runs after these untyped tasks, e.g. a branch that chose it. */
    public Task<T> after(TaskBuilder... upstream) {
        builder.after(upstream);
        return this;
    }

    /** Reads this task's output inside a downstream task's code, typed. */
    @SuppressWarnings("unchecked")
    T read(TaskContext ctx) {
        if (mappedElement != null) {
            return (T) ctx.inputs(id(), mappedElement);
        }
        return ctx.input(id(), type);
    }
}
