package dev.gale.api.grpc.v1;

import dev.gale.scheduler.service.Connection;
import dev.gale.scheduler.service.Connections;
import dev.gale.tei.v1.GetConnectionRequest;
import dev.gale.tei.v1.GetConnectionResponse;
import dev.gale.tei.v1.GetVariableRequest;
import dev.gale.tei.v1.GetVariableResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;

/** The TEI's GetConnection and GetVariable, answered for an attempt whose token was checked. */
final class ConnectionRpcs {
    private final Connections connections;

    ConnectionRpcs(Connections connections) {
        this.connections = connections;
    }

    void connection(GetConnectionRequest request, StreamObserver<GetConnectionResponse> response) {
        Optional<Connection> found = request.getConnId().isBlank() ? Optional.empty()
                : connections.connection(request.getConnId());
        if (found.isEmpty()) {
            response.onError(Status.NOT_FOUND.withDescription("there is no connection '" + request.getConnId()
                    + "': create it with PUT /api/v1/connections/{connId} or set GALE_CONN_<ID> on the server")
                    .asRuntimeException());
            return;
        }
        Connection c = found.get();
        response.onNext(GetConnectionResponse.newBuilder().setConnId(c.connId()).setConnType(orEmpty(c.type()))
                .setHost(orEmpty(c.host())).setPort(c.port() == null ? 0 : c.port()).setLogin(orEmpty(c.login()))
                .setPassword(orEmpty(c.password())).setSchema(orEmpty(c.schema())).setExtraJson(orEmpty(c.extraJson()))
                .build());
        response.onCompleted();
    }

    void variable(GetVariableRequest request, StreamObserver<GetVariableResponse> response) {
        Optional<String> found = request.getKey().isBlank() ? Optional.empty() : connections.variable(request.getKey());
        if (found.isEmpty()) {
            response.onError(Status.NOT_FOUND.withDescription("there is no variable '" + request.getKey()
                    + "': create it with PUT /api/v1/variables/{key} or set GALE_VAR_<KEY> on the server")
                    .asRuntimeException());
            return;
        }
        response.onNext(GetVariableResponse.newBuilder().setValue(found.get()).build());
        response.onCompleted();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
