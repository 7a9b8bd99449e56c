package dev.gale.sdk;

import dev.gale.sdk.spec.ParamSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Keeps the values of params marked {@link Param#secret()} out of what people see: conf and logs. */
public final class SecretParams {
    public static final String MASK = "***";

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
}
