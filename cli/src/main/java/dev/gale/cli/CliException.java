package dev.gale.cli;

/** A client command that cannot go on; its message is printed as is and the command exits with status 2. */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
