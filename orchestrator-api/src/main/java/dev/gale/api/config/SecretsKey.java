package dev.gale.api.config;

import dev.gale.scheduler.secrets.SecretBox;
import dev.gale.scheduler.store.JooqSigningKeys;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.springframework.core.env.Environment;

/**
 * Which key seals secrets at rest: {@code GALE_SECRETS_KEY} when set; else the key file standalone keeps
 * in {@code $GALE_HOME/secrets-key}; else (server mode) one made once and kept in the database, so that
 * every replica shares it.
 */
final class SecretsKey {
    static final String PROPERTY = "gale.secrets.key";
    /** Set by standalone to {@code $GALE_HOME/secrets-key}. */
    static final String FILE_PROPERTY = "gale.secrets.key-file";

    private SecretsKey() {
    }

    static Supplier<SecretBox> from(Environment env, DSLContext dsl) {
        String configured = env.getProperty(PROPERTY, "");
        if (!configured.isBlank()) {
            SecretBox box = SecretBox.fromBase64(configured, "GALE_SECRETS_KEY (gale.secrets.key)");
            return () -> box;
        }
        String file = env.getProperty(FILE_PROPERTY, "");
        if (!file.isBlank()) {
            SecretBox box = SecretBox.inFile(Path.of(file));
            return () -> box;
        }
        return JooqSigningKeys.secretBox(dsl);
    }
}
