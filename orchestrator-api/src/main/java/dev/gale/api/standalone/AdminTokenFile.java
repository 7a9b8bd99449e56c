package dev.gale.api.standalone;

import dev.gale.api.security.ApiTokens;
import dev.gale.api.security.IssuedToken;
import dev.gale.api.security.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** The admin token standalone creates on first start, kept readable only by its owner in {@code $GALE_HOME}. */
final class AdminTokenFile {
    static final String NAME = "admin-token";

    private AdminTokenFile() {
    }

    /** Creates an admin token and writes it to {@code $GALE_HOME/admin-token} when there is no admin token yet. */
    static Optional<String> ensure(Path home, ApiTokens tokens) {
        if (tokens.anyAdmin()) {
            return Optional.empty();
        }
        IssuedToken issued = tokens.create("admin", Role.ADMIN);
        Path file = home.resolve(NAME);
        try {
            Files.deleteIfExists(file);
            // Created with mode 600 from the start, so the token is never readable by others, even briefly.
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, issued.token() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin token to " + file + ": " + e.getMessage(), e);
        }
        return Optional.of(issued.token());
    }
}
