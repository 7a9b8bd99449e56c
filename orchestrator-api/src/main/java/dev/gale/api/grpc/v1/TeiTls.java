package dev.gale.api.grpc.v1;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.springframework.core.env.Environment;

/**
 * The certificate and private key (PEM files) the TEI serves TLS with, from {@code gale.grpc.tls.cert} and
 * {@code gale.grpc.tls.key} ({@code GALE_GRPC_TLS_CERT}, {@code GALE_GRPC_TLS_KEY}). TLS keeps tasks' params and
 * the worker secret off the wire; it does not say who the worker is, so a reachable bind still needs the secret.
 */
public record TeiTls(Path certificate, Path privateKey) {

    /** @throws IllegalStateException for only one of the two, or a file that cannot be read */
    public static Optional<TeiTls> from(Environment environment) {
        String cert = environment.getProperty("gale.grpc.tls.cert", "");
        String key = environment.getProperty("gale.grpc.tls.key", "");
        if (cert.isBlank() && key.isBlank()) {
            return Optional.empty();
        }
        if (cert.isBlank() || key.isBlank()) {
            throw new IllegalStateException("TLS for the TEI needs both GALE_GRPC_TLS_CERT (the server's certificate"
                    + " chain, PEM) and GALE_GRPC_TLS_KEY (its PKCS#8 private key, PEM); only "
                    + (cert.isBlank() ? "GALE_GRPC_TLS_KEY" : "GALE_GRPC_TLS_CERT") + " is set");
        }
        return Optional.of(new TeiTls(readable(cert, "GALE_GRPC_TLS_CERT"), readable(key, "GALE_GRPC_TLS_KEY")));
    }

    private static Path readable(String file, String setting) {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw new IllegalStateException(setting + " is '" + file + "', which is not a readable file");
        }
        return path;
    }
}
