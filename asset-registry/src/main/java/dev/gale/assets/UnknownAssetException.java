package dev.gale.assets;

/** An asset or asset version that does not exist. */
public final class UnknownAssetException extends RuntimeException {
    public UnknownAssetException(String message) {
        super(message);
    }
}
