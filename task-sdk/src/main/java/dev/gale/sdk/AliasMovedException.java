package dev.gale.sdk;

/**
 * An alias move refused because the alias no longer points at the version the task expected: someone
 * (another run's gate, a person) moved it meanwhile. Nothing was changed; read it again and decide anew.
 */
public final class AliasMovedException extends RuntimeException {
    public AliasMovedException(String message) {
        super(message);
    }
}
