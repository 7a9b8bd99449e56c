package dev.gale.sdk.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * When a DAG runs by itself: on a cron expression (five fields, or a preset such as {@code @daily})
 * in a time zone, and/or when assets are updated, or on the records of a Kafka topic.
 * {@code catchup} creates the runs missed while Gale was down or the DAG paused; off by default.
 * The cron schedule fires only inside {@code [startDate, endDate]} (either may be null: no bound).
 */
public record ScheduleSpec(String cron, String timezone, List<String> assets, boolean assetsAll, boolean catchup,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Instant startDate,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Instant endDate,
                           KafkaTriggerSpec kafka) {
    public ScheduleSpec {
        assets = assets == null ? List.of() : List.copyOf(assets);
    }
}
