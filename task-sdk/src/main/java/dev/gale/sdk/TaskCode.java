package dev.gale.sdk;

/** The code of typed tasks, by how many upstream outputs they take; {@code WithContext} forms also get the {@link TaskContext}. */
public final class TaskCode {
    private TaskCode() {
    }

    @FunctionalInterface
    public interface Source<T> {
        T run(TaskContext ctx) throws Exception;
    }

    @FunctionalInterface
    public interface One<A, T> {
        T run(A a) throws Exception;
    }

    @FunctionalInterface
    public interface OneWithContext<A, T> {
        T run(TaskContext ctx, A a) throws Exception;
    }

    @FunctionalInterface
    public interface Two<A, B, T> {
        T run(A a, B b) throws Exception;
    }

    @FunctionalInterface
    public interface TwoWithContext<A, B, T> {
        T run(TaskContext ctx, A a, B b) throws Exception;
    }

    @FunctionalInterface
    public interface Three<A, B, C, T> {
        T run(A a, B b, C c) throws Exception;
    }
}
