package dev.gale.scheduler.store;

import dev.gale.scheduler.secrets.SecretBox;
import dev.gale.sdk.spec.ParamSpec;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * A run's params as {@code dag_run.params} keeps them: the value of each secret param sealed by the
 * {@link SecretBox}, the others as they are; opened again only for the task and for scrubbing.
 */
final class SealedParams {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Asked only when a DAG has secret params, so that a deployment without any never needs a key. */
    private final Supplier<SecretBox> box;

    SealedParams(Supplier<SecretBox> box) {
        this.box = box;
    }

    /** {@code paramsJson} with each secret param's value (as JSON text) sealed into a string. */
    String seal(List<ParamSpec> declared, String paramsJson) {
        if (declared.stream().noneMatch(ParamSpec::secret)) {
            return paramsJson;
        }
        ObjectNode params = (ObjectNode) JSON.readTree(paramsJson);
        for (ParamSpec param : declared) {
            JsonNode value = params.get(param.name());
            if (param.secret() && value != null && !value.isNull()) {
                params.set(param.name(), StringNode.valueOf(box.get().seal(JSON.writeValueAsString(value))));
            }
        }
        return JSON.writeValueAsString(params);
    }

    /** The params as the run was given them; values stored before sealing existed are left as they are. */
    String open(List<ParamSpec> declared, String storedJson) {
        if (declared.stream().noneMatch(ParamSpec::secret)) {
            return storedJson;
        }
        ObjectNode params = (ObjectNode) JSON.readTree(storedJson);
        for (ParamSpec param : declared) {
            JsonNode value = params.get(param.name());
            if (param.secret() && value != null && value.isString() && SecretBox.isSealed(value.asString())) {
                params.set(param.name(), JSON.readTree(box.get().open(value.asString())));
            }
        }
        return JSON.writeValueAsString(params);
    }
}
