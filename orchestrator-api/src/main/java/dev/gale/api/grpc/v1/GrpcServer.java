package dev.gale.api.grpc.v1;

import dev.gale.sdk.runtime.Worker;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The gRPC server that workers connect to. */
public final class GrpcServer implements AutoCloseable {
    private final Server server;

    /**
     * @param address where to listen ({@link TeiBinding})
     * @param tls the certificate to serve TLS with; plaintext without
     * @param openTelemetry traces the calls that carry a worker's trace context
     */
    public GrpcServer(InetSocketAddress address, TaskExecutionGrpcService service, String workerSecret,
                      Optional<TeiTls> tls, OpenTelemetry openTelemetry) {
        // The last interceptor runs first: the worker secret, then the check of what the worker sent (in its trace).
        var tracing = new TraceContextServerInterceptor(openTelemetry);
        var definition = workerSecret.isEmpty() ? ServerInterceptors.intercept(service, new TeiInputValidator(), tracing)
                : ServerInterceptors.intercept(service, new TeiInputValidator(), tracing,
                        new WorkerSecretInterceptor(workerSecret));
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address);
        tls.ifPresent(t -> {
            try {
                builder.useTransportSecurity(t.certificate().toFile(), t.privateKey().toFile());
            } catch (RuntimeException e) {
                throw new IllegalStateException("GALE_GRPC_TLS_CERT (" + t.certificate() + ") and GALE_GRPC_TLS_KEY ("
                        + t.privateKey() + ") must be a PEM certificate chain and its PKCS#8 PEM private key: "
                        + e.getMessage(), e);
            }
        });
        this.server = builder
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .addService(definition)
                .maxInboundMessageSize(Worker.MAX_MESSAGE_BYTES)
                .build();
    }

    public GrpcServer start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the gRPC server: " + e.getMessage(), e);
        }
        return this;
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }
}
