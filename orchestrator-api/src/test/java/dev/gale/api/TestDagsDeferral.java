package dev.gale.api;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.Param;
import dev.gale.sdk.Trigger;
import dev.gale.sdk.TriggerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * DAGs that defer: twice on time triggers in one attempt; on any trigger its conf gives (kind, spec,
 * timeoutMs); sensors on an external event, an asset and another DAG's run, and that asset's producer.
 */
public final class TestDagsDeferral implements DagBundle {
    /** How many times the two-wait task's code started: once, then once per resume. */
    static final AtomicInteger TWO_WAITS_STARTS = new AtomicInteger();
    static final String ASSET = "dataset://defer-for-tests";
    static final String SENSOR_KEY = "sensor-for-tests";

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

        var onConf = Dag.builder("defer_on_conf_for_tests")
                .description("Defers on the trigger its conf gives; returns the event and whether it timed out.")
                .param(Param.string("kind").required())
                .param(Param.object("spec").defaultValue(Map.of()))
                .param(Param.integer("timeoutMs").defaultValue(0));
        var wait = onConf.task("wait", ctx -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) ctx.params().get("spec");
            long timeoutMs = ctx.param("timeoutMs", Long.class);
            TriggerEvent event = ctx.defer(Trigger.of(ctx.param("kind", String.class), spec),
                    timeoutMs == 0 ? null : Duration.ofMillis(timeoutMs));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("kind", event.kind());
            result.put("event", event.data());
            result.put("timedOut", event.timedOut());
            result.put("attempt", ctx.attempt());
            return result;
        }).retries(2, Duration.ofMillis(100));
        onConf.task("after_wait", ctx -> "after " + ctx.input("wait", Map.class).get("kind")).after(wait);

        var eventSensor = Dag.builder("sensor_event_for_tests").description("A sensor on an external event.");
        var sensed = eventSensor.sensor("wait_for_event", Trigger.externalEvent(SENSOR_KEY), Duration.ofMinutes(5));

        var assetSensor = Dag.builder("sensor_asset_for_tests").description("A sensor on a new version of an asset.");
        var newVersion = assetSensor.sensor("wait_for_version", Trigger.assetVersion(ASSET));

        var producer = Dag.builder("produce_asset_for_tests").description("Publishes a version of the sensed asset.");
        var produce = producer.task("produce", ctx -> ctx.emitAsset(ASSET, Map.of("rows", 42))).writes(ASSET);

        var runSensor = Dag.builder("sensor_run_for_tests").description("A sensor on another DAG's run finishing.");
        var finished = runSensor.sensor("wait_for_run", Trigger.dagRunFinished("produce_asset_for_tests", "success"));

        return List.of(twoWaits.result(waits).build(), onConf.result(wait).build(), eventSensor.result(sensed).build(),
                assetSensor.result(newVersion).build(), producer.result(produce).build(),
                runSensor.result(finished).build());
    }
}
