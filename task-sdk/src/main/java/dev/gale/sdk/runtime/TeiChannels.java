package dev.gale.sdk.runtime;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/** The worker's channel to the TEI: plaintext, or TLS verified against the system trust store or a pinned CA. */
final class TeiChannels {
    private TeiChannels() {
    }

    static ManagedChannel open(WorkerOptions options) {
        return NettyChannelBuilder.forTarget(options.apiTarget(), credentials(options))
                .maxInboundMessageSize(Worker.MAX_MESSAGE_BYTES).build();
    }

    private static ChannelCredentials credentials(WorkerOptions options) {
        if (!options.tls()) {
            return InsecureChannelCredentials.create();
        }
        if (options.tlsCa() == null) {
            return TlsChannelCredentials.create();
        }
        try {
            return TlsChannelCredentials.newBuilder().trustManager(options.tlsCa().toFile()).build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the CA file " + options.tlsCa() + " (--tls-ca, GALE_WORKER_TLS_CA)"
                    + " cannot be read as PEM certificates: " + e.getMessage(), e);
        }
    }

    /**
     * What to fix when a call failed because TLS cannot work with this server: retrying cannot help, so the
     * worker stops with this rather than retrying for ever. Empty for any other failure.
     */
    static Optional<String> tlsMistake(StatusRuntimeException e, WorkerOptions options) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLHandshakeException) {
                return Optional.of("cannot verify the TLS certificate of the API server at " + options.apiTarget()
                        + " (" + rootMessage(cause) + "): "
                        + (options.tlsCa() == null ? "pass the CA that signed it with --tls-ca FILE (GALE_WORKER_TLS_CA)"
                                : "check that " + options.tlsCa() + " is the CA that signed it")
                        + ", and check that --api names a host the certificate is for");
            }
            if (cause instanceof SSLException) {
                return Optional.of("the API server at " + options.apiTarget() + " does not answer TLS ("
                        + rootMessage(cause) + "): turn TLS on at the server (GALE_GRPC_TLS_CERT, GALE_GRPC_TLS_KEY)"
                        + " or start the worker without --tls");
            }
        }
        return Optional.empty();
    }

    /** A hint for a plaintext worker whose connection the server closes: what a server serving TLS does. */
    static String hint(StatusRuntimeException e, WorkerOptions options) {
        String description = e.getStatus().getDescription();
        return !options.tls() && description != null && description.startsWith("Network closed")
                ? " (if the server serves TLS, start the worker with --tls or --tls-ca FILE)" : "";
    }

    /** The innermost message: the one that says which check failed (the outer ones name the TLS engine). */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
