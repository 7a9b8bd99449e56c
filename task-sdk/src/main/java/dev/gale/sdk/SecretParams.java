package dev.gale.sdk;

import dev.gale.sdk.spec.ParamSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/** Keeps the values of params marked {@link Param#secret()} out of what people see: conf, logs, errors, results. */
public final class SecretParams {
    public static final String MASK = "***";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SecretParams() {
    }

    /** {@code conf} with the value of every secret param replaced by {@value #MASK}. */
    public static Map<String, Object> mask(List<ParamSpec> declared, Map<String, Object> conf) {
        Map<String, Object> masked = new LinkedHashMap<>(conf);
        for (ParamSpec param : declared) {
            if (param.secret() && masked.containsKey(param.name())) {
                masked.put(param.name(), MASK);
            }
        }
        return masked;
    }

    /** The values of the secret params among {@code params}, as text, for scrubbing logs. */
    public static List<String> values(List<ParamSpec> declared, Map<String, Object> params) {
        return declared.stream().filter(ParamSpec::secret).map(p -> params.get(p.name()))
                .filter(Objects::nonNull).map(String::valueOf).filter(v -> !v.isEmpty()).toList();
    }

    /** {@code line} with each of {@code secrets} replaced by {@value #MASK}. */
    public static String scrub(String line, List<String> secrets) {
        String scrubbed = line;
        for (String secret : secrets) {
            scrubbed = scrubbed.replace(secret, MASK);
        }
        return scrubbed;
    }

    /**
     * A JSON document with each of {@code secrets} replaced by {@value #MASK} inside its strings (property
     * names too), so that what is shown stays JSON; {@code json} itself when there is nothing to scrub.
     */
    public static String scrubJson(String json, List<String> secrets) {
        if (secrets.isEmpty() || secrets.stream().noneMatch(json::contains) && !json.contains("\\")) {
            return json;
        }
        JsonNode scrubbed = scrubbed(JSON.readTree(json), secrets);
        return JSON.writeValueAsString(scrubbed);
    }

    private static JsonNode scrubbed(JsonNode node, List<String> secrets) {
        if (node.isString()) {
            return StringNode.valueOf(scrub(node.asString(), secrets));
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = JSON.createArrayNode();
            array.forEach(element -> copy.add(scrubbed(element, secrets)));
            return copy;
        }
        if (node instanceof ObjectNode object) {
            ObjectNode copy = JSON.createObjectNode();
            object.properties().forEach(e -> copy.set(scrub(e.getKey(), secrets), scrubbed(e.getValue(), secrets)));
            return copy;
        }
        return node;
    }
}
