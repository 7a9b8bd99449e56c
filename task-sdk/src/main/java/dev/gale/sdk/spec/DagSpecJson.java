package dev.gale.sdk.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.apache.commons.codec.digest.DigestUtils;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Reads and writes {@link DagSpec} as JSON, and hashes it into a stable version id. */
public final class DagSpecJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            // Fields added later are left out while at their default; reading them back gives the default.
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    /** The same JSON less what is not the DAG's structure: where each task was declared. */
    private static final JsonMapper STRUCTURE = MAPPER.rebuild().addMixIn(TaskSpec.class, WithoutSource.class).build();

    @JsonIgnoreProperties("source")
    private interface WithoutSource {
    }

    private DagSpecJson() {
    }

    public static String toJson(DagSpec spec) {
        return MAPPER.writeValueAsString(spec);
    }

    /** One task's spec, as a worker that runs it by its spec (a command, a Python function) reads it. */
    public static String toJson(TaskSpec spec) {
        return MAPPER.writeValueAsString(spec);
    }

    public static DagSpec fromJson(String json) {
        return MAPPER.readValue(json, DagSpec.class);
    }

    /**
     * SHA-256 of the canonical JSON, hex: equal for equal DAG structures, whatever the JVM. Tasks'
     * {@code source} is left out, so that moving a line of the DAG's code neither makes a new version
     * nor makes workers with the moved code refuse the runs pinned to the old one.
     */
    public static String hash(DagSpec spec) {
        return DigestUtils.sha256Hex(STRUCTURE.writeValueAsString(spec));
    }
}
