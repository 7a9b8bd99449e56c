package dev.gale.api;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.Trigger;
import dev.gale.sdk.TriggerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** DAGs that defer: on a time trigger twice in one attempt, and sensors on each built-in trigger given by conf. */
public final class TestDagsDeferral implements DagBundle {
    /** How many times the two-wait task's code started: once, then once per resume. */
    static final AtomicInteger TWO_WAITS_STARTS = new AtomicInteger();

    @Override
    public List<Dag> dags() {
        var twoWaits = Dag.builder("defer_twice_for_tests")
                .description("Defers twice on time triggers in one attempt, then returns both events.");
        var waits = twoWaits.task("waits", ctx -> {
            TWO_WAITS_STARTS.incrementAndGet();
            List<Object> events = new ArrayList<>();
            TriggerEvent first = ctx.defer(Trigger.after(Duration.ofSeconds(2)), Duration.ofMinutes(1));
            events.add(first.data());
            TriggerEvent second = ctx.defer(Trigger.after(Duration.ofMillis(500)), Duration.ofMinutes(1));
            events.add(second.data());
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("attempt", ctx.attempt());
            result.put("events", events);
            return result;
        });
        return List.of(twoWaits.result(waits).build());
    }
}
