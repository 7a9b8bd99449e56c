package dev.gale.assets;

/** An alias move refused because the alias no longer points at the version the mover expected. */
public final class AliasConflictException extends RuntimeException {
    public AliasConflictException(String message) {
        super(message);
    }
}
