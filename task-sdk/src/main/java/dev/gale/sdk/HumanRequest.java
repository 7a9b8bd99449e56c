package dev.gale.sdk;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a task asks a person: a subject, a body in Markdown, the options to choose among (approve and
 * reject unless named otherwise) or a small form built from params (e.g. to edit a generated answer), the
 * upstream outputs the request page shows beside it, who may decide, and how long to wait. Build one with
 * {@link #ask(String)}, then chain options; pass it to {@link TaskContext#awaitHuman(HumanRequest)} or
 * {@link DagBuilder#approval(String, HumanRequest)}.
 *
 * @param assigneeRole the API token role a person needs to decide ({@code operator} or {@code admin});
 *                     null: any operator
 * @param timeout      how long to wait; null: for ever
 * @param onTimeout    the option taken when the wait times out; null: the task fails on timeout
 */
public record HumanRequest(String subject, String body, List<String> options, List<Param> form, List<String> shows,
                           String assigneeRole, Duration timeout, String onTimeout,
                           Map<String, Object> onTimeoutValues) {
    /** The trigger kind of a pending request: no scheduler evaluates it; a decision or its timeout ends it. */
    public static final String TRIGGER_KIND = "human";
    public static final List<String> APPROVE_OR_REJECT = List.of("approve", "reject");
    private static final Set<String> DECIDING_ROLES = Set.of("operator", "admin");

    public HumanRequest {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("a human request needs a subject, the line a person sees in the inbox");
        }
        body = body == null ? "" : body;
        options = List.copyOf(options == null || options.isEmpty() ? APPROVE_OR_REJECT : options);
        if (options.stream().anyMatch(o -> o == null || o.isBlank()) || Set.copyOf(options).size() != options.size()) {
            throw new IllegalArgumentException("human request '" + subject + "': options must be distinct names,"
                    + " got " + options);
        }
        form = List.copyOf(form == null ? List.of() : form);
        shows = List.copyOf(shows == null ? List.of() : shows);
        if (assigneeRole != null && !DECIDING_ROLES.contains(assigneeRole)) {
            throw new IllegalArgumentException("human request '" + subject + "': assignee role must be operator or"
                    + " admin (the API token roles that may decide), got '" + assigneeRole + "'");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("human request '" + subject + "': timeout must be positive, got "
                    + timeout);
        }
        if (onTimeout != null && !options.contains(onTimeout)) {
            throw new IllegalArgumentException("human request '" + subject + "': the default outcome '" + onTimeout
                    + "' is not one of its options " + options);
        }
        onTimeoutValues = Map.copyOf(onTimeoutValues == null ? Map.of() : onTimeoutValues);
    }

    /** A request with this subject, approve and reject as its options, waiting for ever. */
    public static HumanRequest ask(String subject) {
        return new HumanRequest(subject, "", APPROVE_OR_REJECT, List.of(), List.of(), null, null, null, Map.of());
    }

    /** The text the request page shows, in Markdown (rendered with any HTML in it escaped). */
    public HumanRequest body(String markdown) {
        return new HumanRequest(subject, markdown, options, form, shows, assigneeRole, timeout, onTimeout,
                onTimeoutValues);
    }

    /**
     * The options a person chooses among, instead of approve and reject. In an approval task, an option
     * named like one of the task's direct downstream tasks is a branch: the downstream tasks named by the
     * options not taken are skipped.
     */
    public HumanRequest options(String... names) {
        return new HumanRequest(subject, body, List.of(names), form, shows, assigneeRole, timeout, onTimeout,
                onTimeoutValues);
    }

    /** Fields a person fills in, validated like a run's params; their defaults prefill the form. */
    public HumanRequest form(Param... fields) {
        return new HumanRequest(subject, body, options, List.of(fields), shows, assigneeRole, timeout, onTimeout,
                onTimeoutValues);
    }

    /** Upstream tasks whose outputs the request page shows, e.g. the generated answer to review. */
    public HumanRequest show(String... upstreamTaskIds) {
        return new HumanRequest(subject, body, options, form, List.of(upstreamTaskIds), assigneeRole, timeout,
                onTimeout, onTimeoutValues);
    }

    /** Only tokens with this role ({@code operator} or {@code admin}) may decide. */
    public HumanRequest assigneeRole(String role) {
        return new HumanRequest(subject, body, options, form, shows, role, timeout, onTimeout, onTimeoutValues);
    }

    /** Waits at most {@code wait}; then the task fails, unless {@link #onTimeout(String)} names a default. */
    public HumanRequest timeout(Duration wait) {
        return new HumanRequest(subject, body, options, form, shows, assigneeRole, Objects.requireNonNull(wait),
                onTimeout, onTimeoutValues);
    }

    /** The option taken, with the form's defaults, when nobody decided before the timeout. */
    public HumanRequest onTimeout(String option) {
        return onTimeout(option, Map.of());
    }

    /** The option and form values taken when nobody decided before the timeout. */
    public HumanRequest onTimeout(String option, Map<String, Object> values) {
        return new HumanRequest(subject, body, options, form, shows, assigneeRole, timeout, option, values);
    }

    /**
     * The request as the {@code human} trigger's spec: what the inbox and the request page show and what a
     * decision is checked against; with a default outcome, the event its timeout fires with.
     */
    public Map<String, Object> toSpec() {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("subject", subject);
        spec.put("body", body);
        spec.put("options", options);
        spec.put("form", form.stream().map(Param::toSpec).toList());
        spec.put("show", shows);
        if (assigneeRole != null) {
            spec.put("assigneeRole", assigneeRole);
        }
        if (onTimeout != null) {
            Map<String, Object> values = new LinkedHashMap<>();
            form.stream().filter(p -> p.defaultValue() != null).forEach(p -> values.put(p.name(), p.defaultValue()));
            values.putAll(onTimeoutValues);
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("option", onTimeout);
            event.put("values", values);
            spec.put("timeoutEvent", event);
        }
        return spec;
    }
}
