package dev.gale.scheduler.service;

/** One XCom value of a task instance, as raw JSON text. */
public record XComEntry(String key, String valueJson) {
}
