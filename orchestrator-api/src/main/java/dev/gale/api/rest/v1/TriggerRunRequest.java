package dev.gale.api.rest.v1;

import java.time.Instant;
import java.util.Map;

/**
 * The body of a trigger, for the OpenAPI document: the handler reads the JSON itself so that it can
 * name every field that is wrong.
 *
 * @param conf param values, checked against the DAG's params schema; omitted params take their defaults
 * @param logicalDate optional; ad-hoc runs usually have none
 * @param note optional free text shown with the run
 */
record TriggerRunRequest(Map<String, Object> conf, Instant logicalDate, String note) {
}
