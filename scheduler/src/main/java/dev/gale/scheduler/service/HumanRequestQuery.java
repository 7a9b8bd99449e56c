package dev.gale.scheduler.service;

/**
 * Which requests to list, newest first: every filter is optional (null).
 *
 * @param state        pending, decided or cancelled
 * @param assigneeRole only requests for this role
 */
public record HumanRequestQuery(String state, String dagId, String assigneeRole, int limit, int offset) {
}
