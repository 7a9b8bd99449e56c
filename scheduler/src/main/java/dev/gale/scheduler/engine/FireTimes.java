package dev.gale.scheduler.engine;

import java.time.Instant;
import java.util.Optional;

/** When a cron schedule fires: its first fire time strictly after an instant; empty when it never fires again. */
@FunctionalInterface
public interface FireTimes {
    Optional<Instant> nextAfter(Instant instant);
}
