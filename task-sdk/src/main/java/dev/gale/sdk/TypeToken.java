package dev.gale.sdk;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;

/**
 * The type of a task's output, kept at run time: {@code TypeToken.of(String.class)} for a plain class,
 * {@code new TypeToken<List<Chunk>>() { }} for a generic one (the anonymous subclass keeps the type
 * argument that erasure would drop).
 */
public class TypeToken<T> {
    private final Type type;

    protected TypeToken() {
        if (!(getClass().getGenericSuperclass() instanceof ParameterizedType parameterized)) {
            throw new IllegalStateException("a TypeToken needs its type argument, e.g. new TypeToken<List<Chunk>>() { }");
        }
        this.type = parameterized.getActualTypeArguments()[0];
    }

    private TypeToken(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    public static <T> TypeToken<T> of(Class<T> type) {
        return new TypeToken<>(type);
    }

    public Type type() {
        return type;
    }

    /** The element type of a {@code List<E>} token; the output of each instance a mapped task runs over. */
    TypeToken<?> listElement(String dagId, String taskId) {
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            return new TypeToken<>(p.getActualTypeArguments()[0]);
        }
        throw new DagDefinitionException(dagId, "task '" + taskId + "' maps over an output of type " + type.getTypeName()
                + ", which is not a List; declare the source's type as new TypeToken<List<...>>() { }");
    }

    /** {@code List<E>} for the token of {@code E}: the output of a mapped task, seen downstream. */
    static <E> TypeToken<java.util.List<E>> listOf(TypeToken<E> element) {
        return new TypeToken<>(new ParameterizedType() {
            @Override
            public Type[] getActualTypeArguments() {
                return new Type[] {element.type};
            }

            @Override
            public Type getRawType() {
                return List.class;
            }

            @Override
            public Type getOwnerType() {
                return null;
            }

            @Override
            public String getTypeName() {
                return "java.util.List<" + element.type.getTypeName() + ">";
            }
        });
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TypeToken<?> token && token.type.equals(type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public String toString() {
        return type.getTypeName();
    }
}
