package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.jooq.Tables.CONNECTION;
import static dev.gale.scheduler.store.jooq.Tables.VARIABLE;

import dev.gale.scheduler.secrets.SecretBox;
import dev.gale.scheduler.service.Connection;
import dev.gale.scheduler.service.SecretsStore;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import tools.jackson.databind.json.JsonMapper;

/** Connections and Variables in PostgreSQL, each sealed whole by the {@link SecretBox}. */
public final class JooqSecretsStore implements SecretsStore {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DSLContext dsl;
    private final Supplier<SecretBox> box;
    private final Clock clock;

    public JooqSecretsStore(DSLContext dsl, Supplier<SecretBox> box, Clock clock) {
        this.dsl = dsl;
        this.box = box;
        this.clock = clock;
    }

    private Connection opened(String sealed) {
        return JSON.readValue(box.get().open(sealed), Connection.class);
    }

    @Override
    public List<Connection> connections() {
        return dsl.select(CONNECTION.SEALED).from(CONNECTION).orderBy(CONNECTION.CONN_ID).fetch(r -> opened(r.value1()));
    }

    @Override
    public Optional<Connection> connection(String connId) {
        return dsl.select(CONNECTION.SEALED).from(CONNECTION).where(CONNECTION.CONN_ID.eq(connId))
                .fetchOptional(r -> opened(r.value1()));
    }

    @Override
    public void putConnection(Connection connection) {
        String sealed = box.get().seal(JSON.writeValueAsString(connection));
        var now = clock.instant().atOffset(ZoneOffset.UTC);
        dsl.insertInto(CONNECTION, CONNECTION.CONN_ID, CONNECTION.SEALED, CONNECTION.UPDATED_AT)
                .values(connection.connId(), sealed, now)
                .onConflict(CONNECTION.CONN_ID).doUpdate().set(CONNECTION.SEALED, sealed).set(CONNECTION.UPDATED_AT, now)
                .execute();
    }

    @Override
    public boolean deleteConnection(String connId) {
        return dsl.deleteFrom(CONNECTION).where(CONNECTION.CONN_ID.eq(connId)).execute() == 1;
    }

    @Override
    public Map<String, String> variables() {
        Map<String, String> variables = new LinkedHashMap<>();
        dsl.select(VARIABLE.KEY, VARIABLE.SEALED).from(VARIABLE).orderBy(VARIABLE.KEY)
                .forEach(r -> variables.put(r.value1(), box.get().open(r.value2())));
        return variables;
    }

    @Override
    public Optional<String> variable(String key) {
        return dsl.select(VARIABLE.SEALED).from(VARIABLE).where(VARIABLE.KEY.eq(key))
                .fetchOptional(r -> box.get().open(r.value1()));
    }

    @Override
    public void putVariable(String key, String value) {
        String sealed = box.get().seal(value);
        var now = clock.instant().atOffset(ZoneOffset.UTC);
        dsl.insertInto(VARIABLE, VARIABLE.KEY, VARIABLE.SEALED, VARIABLE.UPDATED_AT).values(key, sealed, now)
                .onConflict(VARIABLE.KEY).doUpdate().set(VARIABLE.SEALED, sealed).set(VARIABLE.UPDATED_AT, now)
                .execute();
    }

    @Override
    public boolean deleteVariable(String key) {
        return dsl.deleteFrom(VARIABLE).where(VARIABLE.KEY.eq(key)).execute() == 1;
    }
}
