package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.JooqSchedulerStore.toOffset;
import static dev.gale.scheduler.store.jooq.Tables.API_TOKEN;

import dev.gale.scheduler.service.ApiTokenStore;
import dev.gale.scheduler.service.StoredApiToken;
import dev.gale.scheduler.store.jooq.tables.records.ApiTokenRecord;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/** API tokens on PostgreSQL: names, roles and SHA-256 hashes. */
public final class JooqApiTokenStore implements ApiTokenStore {
    private final DSLContext dsl;

    public JooqApiTokenStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public boolean create(StoredApiToken token) {
        return dsl.insertInto(API_TOKEN)
                .set(API_TOKEN.NAME, token.name())
                .set(API_TOKEN.ROLE, token.role())
                .set(API_TOKEN.TOKEN_HASH, token.tokenHash())
                .set(API_TOKEN.CREATED_AT, toOffset(token.createdAt()))
                .set(API_TOKEN.EXPIRES_AT, token.expiresAt() == null ? null : toOffset(token.expiresAt()))
                .onConflictDoNothing()
                .execute() == 1;
    }

    @Override
    public Optional<StoredApiToken> findByHash(String tokenHash) {
        return dsl.selectFrom(API_TOKEN).where(API_TOKEN.TOKEN_HASH.eq(tokenHash))
                .fetchOptional(JooqApiTokenStore::toToken);
    }

    @Override
    public List<StoredApiToken> list() {
        return dsl.selectFrom(API_TOKEN).orderBy(API_TOKEN.NAME).fetch(JooqApiTokenStore::toToken);
    }

    @Override
    public boolean anyWithRole(String role) {
        return dsl.fetchExists(API_TOKEN, API_TOKEN.ROLE.eq(role));
    }

    @Override
    public boolean delete(String name) {
        return dsl.deleteFrom(API_TOKEN).where(API_TOKEN.NAME.eq(name)).execute() == 1;
    }

    private static StoredApiToken toToken(ApiTokenRecord r) {
        return new StoredApiToken(r.getName(), r.getRole(), r.getTokenHash(), r.getCreatedAt().toInstant(),
                r.getExpiresAt() == null ? null : r.getExpiresAt().toInstant());
    }
}
