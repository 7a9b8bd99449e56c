package dev.gale.sdk;

/**
 * Makes an approval task's request when the task runs, from what it can see (e.g. the upstream answer to
 * prefill the form with). It runs again each time the task resumes, so it must be cheap and give the same
 * request.
 */
@FunctionalInterface
public interface HumanRequestSource {
    HumanRequest request(TaskContext context) throws Exception;
}
