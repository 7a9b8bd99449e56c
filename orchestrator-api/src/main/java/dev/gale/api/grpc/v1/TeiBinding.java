package dev.gale.api.grpc.v1;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where the TEI listens. Without a worker secret anyone who reaches the port could take tasks and their
 * params, so it then listens on loopback only (workers on the same host); with a secret, on every interface.
 * {@code gale.grpc.bind} chooses the address, but one reachable from other hosts needs the secret.
 */
public final class TeiBinding {
    private TeiBinding() {
    }

    /** @throws IllegalStateException for an address reachable from other hosts without a worker secret */
    public static InetSocketAddress address(String bind, int port, String workerSecret) {
        if (bind.isBlank()) {
            return workerSecret.isEmpty() ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port)
                    : new InetSocketAddress(port);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("gale.grpc.bind (GALE_GRPC_BIND) is '" + bind + "', which is not an"
                    + " address of this host; use an IP address such as 127.0.0.1 or 0.0.0.0", e);
        }
        if (!address.isLoopbackAddress() && workerSecret.isEmpty()) {
            throw new IllegalStateException("gale.grpc.bind (GALE_GRPC_BIND) is '" + bind + "', reachable from other"
                    + " hosts, but no worker secret is set: set GALE_WORKER_SECRET to a long random value (workers"
                    + " send the same), or bind to 127.0.0.1");
        }
        return new InetSocketAddress(address, port);
    }
}
