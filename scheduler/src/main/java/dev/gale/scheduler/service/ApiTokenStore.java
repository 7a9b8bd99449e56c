package dev.gale.scheduler.service;

import java.util.List;
import java.util.Optional;

/** Where API tokens are kept: only their hashes, never the tokens. */
public interface ApiTokenStore {

    /** Stores a token; false when the name is taken. */
    boolean create(StoredApiToken token);

    Optional<StoredApiToken> findByHash(String tokenHash);

    List<StoredApiToken> list();

    boolean anyWithRole(String role);

    /** Deletes the token of that name; false when there was none. */
    boolean delete(String name);
}
