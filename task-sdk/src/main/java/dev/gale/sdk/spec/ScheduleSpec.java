package dev.gale.sdk.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * When a DAG runs by itself: on a cron expression (five fields, or a preset such as {@code @daily})
 * in a time zone, and/or when assets are updated or their aliases move, or on the records of a Kafka topic.
 * {@code catchup} creates the runs missed while Gale was down or the DAG paused; off by default.
 * The cron schedule fires only inside {@code [startDate, endDate]} (either may be null: no bound).
 */
public record ScheduleSpec(String cron, String timezone, List<String> assets, boolean assetsAll, boolean catchup,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Instant startDate,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Instant endDate,
                           KafkaTriggerSpec kafka,
                           // Left out when empty, so that the versions of DAGs without one keep their hash.
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) List<AliasTriggerSpec> aliasMoves) {
    public ScheduleSpec {
        assets = assets == null ? List.of() : List.copyOf(assets);
        aliasMoves = aliasMoves == null ? List.of() : List.copyOf(aliasMoves);
    }
}
