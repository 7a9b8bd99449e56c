package dev.gale.api;

import dev.gale.sdk.Connection;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.Param;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A DAG whose task reads a Connection and a Variable and leaks the password if Gale lets it. */
public final class TestDagsConnections implements DagBundle {

    @Override
    public List<Dag> dags() {
        DagBuilder dag = Dag.builder("connection_for_tests")
                .description("Reads a connection and a variable; logs the password, fails with it when asked.")
                .param(Param.string("connId").defaultValue("warehouse"))
                .param(Param.bool("fail").defaultValue(false));
        var use = dag.task("use_connection", ctx -> {
            Connection c = ctx.connection(ctx.param("connId", String.class));
            String threshold = ctx.variable("threshold");
            ctx.log("connecting to " + c.host() + " as " + c.login() + " with " + c.password()
                    + " and token " + ctx.variable("api_token"));
            if (ctx.param("fail", Boolean.class)) {
                throw new IllegalStateException("login refused for " + c.login() + "/" + c.password());
            }
            Map<String, Object> seen = new LinkedHashMap<>();
            seen.put("type", c.type());
            seen.put("host", c.host());
            seen.put("port", c.port());
            seen.put("login", c.login());
            seen.put("schema", c.schema());
            seen.put("extra", c.extra());
            seen.put("threshold", threshold);
            seen.put("passwordLength", c.password() == null ? 0 : c.password().length());
            return seen;
        });
        return List.of(dag.result(use).build());
    }
}
