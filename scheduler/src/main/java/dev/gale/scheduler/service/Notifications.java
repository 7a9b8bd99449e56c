package dev.gale.scheduler.service;

import java.util.function.Consumer;

/** Wake-ups between processes: a listener hears every notification sent on its channel, in any process. */
public interface Notifications {
    /** Registers a listener; returns a handle that removes it. */
    AutoCloseable subscribe(String channel, Consumer<String> listener);
}
