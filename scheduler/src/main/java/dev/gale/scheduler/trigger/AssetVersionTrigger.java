package dev.gale.scheduler.trigger;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Fires when the asset has a version newer than its latest at the deferral, polled every "interval" (5 s). */
public final class AssetVersionTrigger extends PolledTrigger {
    static final String KIND = "asset_version";
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    /** One version of an asset as the event it fires with: asset, version, metadata. */
    @FunctionalInterface
    public interface Versions {
        Optional<Map<String, Object>> event(String assetName, int version);
    }

    private final Function<String, Integer> latest;
    private final Versions versions;

    AssetVersionTrigger(Function<String, Integer> latest, Versions versions) {
        super(KIND, INTERVAL);
        this.latest = latest;
        this.versions = versions;
    }

    @Override
    public Map<String, Object> prepare(Map<String, Object> spec, Instant now) {
        String asset = Specs.text(KIND, spec, "asset");
        Map<String, Object> prepared = new LinkedHashMap<>();
        prepared.put("asset", asset);
        prepared.put("afterVersion", spec.get("afterVersion") instanceof Number n ? n.intValue() : latest.apply(asset));
        prepared.put("interval", interval(spec).toString());
        return prepared;
    }

    @Override
    public Optional<Map<String, Object>> check(Map<String, Object> spec, Instant now) {
        String asset = Specs.text(KIND, spec, "asset");
        int after = ((Number) spec.get("afterVersion")).intValue();
        return latest.apply(asset) > after ? versions.event(asset, after + 1) : Optional.empty();
    }
}
