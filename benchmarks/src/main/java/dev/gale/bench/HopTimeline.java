package dev.gale.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * The hops of sequential runs, step by step, from a flight recording of Gale's events. A hop is the
 * time from one task's code ending to the next task's code beginning; its steps are cut at the events
 * the worker, the dispatcher and the store record on the way.
 */
final class HopTimeline {
    static final List<String> EVENTS = List.of("gale.worker.AssignmentReceived", "gale.worker.TaskPhase",
            "gale.worker.CreditsSent", "gale.server.DispatcherWoken", "gale.server.DispatchPass",
            "gale.server.AssignmentSent", "gale.scheduler.Claim", "gale.scheduler.Report",
            "gale.scheduler.RunFinishedNotice");

    /** The steps, in the order a hop passes them. */
    static final List<String> STEPS = List.of(
            "task code ends -> report call begins (callbacks, logs)",
            "report call -> its transaction begins (gRPC, token)",
            "completion transaction (group commit, decide, commit)",
            "committed -> dispatcher pass begins (wake-up)",
            "pass begins -> claim begins",
            "claim transaction",
            "claimed -> assignment sent (token, message)",
            "sent -> worker has it (gRPC)",
            "worker has it -> start call begins (thread)",
            "start call, less its read (gRPC, token)",
            "start read (fencing check)",
            "start call returns -> task code begins");

    /** One hop: the time of each step (null where an event is missing), and what woke the pass. */
    record Hop(List<Duration> steps, Duration total, String wokenBy, int emptyClaims, List<RecordedEvent> events,
               Instant from) {
    }

    private final List<Hop> hops;

    private HopTimeline(List<Hop> hops) {
        this.hops = hops;
    }

    static HopTimeline read(Path recording) throws IOException {
        List<RecordedEvent> events = RecordingFile.readAllEvents(recording).stream()
                .filter(e -> e.getEventType().getName().startsWith("gale."))
                .sorted(Comparator.comparing(RecordedEvent::getStartTime)).toList();
        Map<String, List<RecordedEvent>> executions = events.stream()
                .filter(e -> is(e, "gale.worker.TaskPhase") && "execute".equals(e.getString("phase")))
                .collect(Collectors.groupingBy(e -> e.getString("runId"), LinkedHashMap::new, Collectors.toList()));
        List<Hop> hops = new ArrayList<>();
        executions.values().forEach(run -> {
            for (int i = 1; i < run.size(); i++) {
                hops.add(hop(events, run.get(i - 1), run.get(i)));
            }
        });
        return new HopTimeline(hops);
    }

    List<Hop> hops() {
        return hops;
    }

    private static Hop hop(List<RecordedEvent> all, RecordedEvent previous, RecordedEvent next) {
        Instant from = previous.getEndTime();
        Instant to = next.getStartTime();
        String runId = next.getString("runId");
        List<RecordedEvent> window = all.stream()
                .filter(e -> !e.getEndTime().isBefore(from) && !e.getStartTime().isAfter(to)).toList();
        Optional<RecordedEvent> report = first(window, e -> is(e, "gale.worker.TaskPhase")
                && "report".equals(e.getString("phase")) && same(e, runId, previous.getString("taskId")));
        Optional<RecordedEvent> completion = report.flatMap(r -> first(window, e -> is(e, "gale.scheduler.Report")
                && !"start".equals(e.getString("kind")) && within(e, r)));
        Optional<RecordedEvent> sent = first(window, e -> is(e, "gale.server.AssignmentSent")
                && same(e, runId, next.getString("taskId")));
        Optional<RecordedEvent> pass = sent.flatMap(s -> first(window, e -> is(e, "gale.server.DispatchPass")
                && within(s, e)));
        Optional<RecordedEvent> claim = sent.flatMap(s -> last(window, e -> is(e, "gale.scheduler.Claim")
                && e.getInt("claimed") > 0 && !e.getEndTime().isAfter(s.getStartTime())));
        String wokenBy = pass.flatMap(p -> last(all, e -> is(e, "gale.server.DispatcherWoken")
                && !e.getStartTime().isAfter(p.getStartTime()))).map(e -> e.getString("by")).orElse("?");
        Optional<RecordedEvent> received = first(window, e -> is(e, "gale.worker.AssignmentReceived")
                && same(e, runId, next.getString("taskId")));
        Optional<RecordedEvent> start = first(window, e -> is(e, "gale.worker.TaskPhase")
                && "start".equals(e.getString("phase")) && same(e, runId, next.getString("taskId")));
        Optional<RecordedEvent> read = start.flatMap(s -> first(window, e -> is(e, "gale.scheduler.Report")
                && "start".equals(e.getString("kind")) && within(e, s)));
        // Arrays.asList: a step whose events are missing stays null.
        List<Duration> steps = Arrays.asList(
                between(Optional.of(from), report.map(RecordedEvent::getStartTime)),
                between(report.map(RecordedEvent::getStartTime), completion.map(RecordedEvent::getStartTime)),
                completion.map(RecordedEvent::getDuration).orElse(null),
                between(completion.map(RecordedEvent::getEndTime), pass.map(RecordedEvent::getStartTime)),
                between(pass.map(RecordedEvent::getStartTime), claim.map(RecordedEvent::getStartTime)),
                claim.map(RecordedEvent::getDuration).orElse(null),
                between(claim.map(RecordedEvent::getEndTime), sent.map(RecordedEvent::getStartTime)),
                between(sent.map(RecordedEvent::getStartTime), received.map(RecordedEvent::getStartTime)),
                between(received.map(RecordedEvent::getStartTime), start.map(RecordedEvent::getStartTime)),
                start.isPresent() && read.isPresent()
                        ? start.get().getDuration().minus(read.get().getDuration()) : null,
                read.map(RecordedEvent::getDuration).orElse(null),
                between(start.map(RecordedEvent::getEndTime), Optional.of(to)));
        int emptyClaims = (int) window.stream().filter(e -> is(e, "gale.scheduler.Claim") && e.getInt("claimed") == 0)
                .count();
        return new Hop(steps, Duration.between(from, to), wokenBy, emptyClaims, window, from);
    }

    /** The table of steps (median and p90 over the hops) and one hop of median length, event by event. */
    String report() {
        if (hops.isEmpty()) {
            return "no hops recorded\n";
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("%d hops%n%-58s %9s %9s%n", hops.size(), "step", "p50 ms", "p90 ms"));
        for (int i = 0; i < STEPS.size(); i++) {
            int step = i;
            List<Double> ms = hops.stream().map(h -> h.steps().get(step)).filter(Objects::nonNull)
                    .map(HopTimeline::millis).toList();
            out.append(ms.isEmpty() ? String.format("%-58s %9s %9s%n", STEPS.get(i), "-", "-")
                    : String.format("%-58s %9.3f %9.3f%n", STEPS.get(i), Metric.percentile(ms, 50),
                    Metric.percentile(ms, 90)));
        }
        List<Double> totals = hops.stream().map(h -> millis(h.total())).toList();
        out.append(String.format("%-58s %9.3f %9.3f%n", "whole hop (task code to task code)",
                Metric.percentile(totals, 50), Metric.percentile(totals, 90)));
        Map<String, Long> woken = hops.stream().collect(Collectors.groupingBy(Hop::wokenBy, Collectors.counting()));
        out.append("the pass that claimed was woken by: ").append(woken).append('\n');
        out.append(String.format("empty claims per hop: %.2f%n",
                hops.stream().mapToInt(Hop::emptyClaims).average().orElse(0)));
        Hop median = hops.stream().sorted(Comparator.comparing(Hop::total)).toList().get(hops.size() / 2);
        out.append(String.format("%none hop of median length (%.3f ms), event by event (ms from the task code's end):%n",
                millis(median.total())));
        for (RecordedEvent e : median.events()) {
            out.append(String.format("%9.3f %8.3f  %-28s %-32s %s%n",
                    millis(Duration.between(median.from(), e.getStartTime())), millis(e.getDuration()),
                    e.getThread() == null ? "" : e.getThread().getJavaName(),
                    e.getEventType().getName().substring("gale.".length()), fields(e)));
        }
        return out.toString();
    }

    private static String fields(RecordedEvent e) {
        return e.getFields().stream().filter(f -> !List.of("startTime", "duration", "eventThread", "stackTrace")
                        .contains(f.getName()))
                .map(f -> f.getName() + "=" + e.getValue(f.getName())).collect(Collectors.joining(" "));
    }

    private static boolean is(RecordedEvent e, String name) {
        return e.getEventType().getName().equals(name);
    }

    private static boolean same(RecordedEvent e, String runId, String taskId) {
        return runId.equals(e.getString("runId")) && taskId.equals(e.getString("taskId"));
    }

    private static boolean within(RecordedEvent inner, RecordedEvent outer) {
        return !inner.getStartTime().isBefore(outer.getStartTime()) && !inner.getEndTime().isAfter(outer.getEndTime());
    }

    private static Optional<RecordedEvent> first(List<RecordedEvent> events, Predicate<RecordedEvent> match) {
        return events.stream().filter(match).findFirst();
    }

    private static Optional<RecordedEvent> last(List<RecordedEvent> events, Predicate<RecordedEvent> match) {
        return events.stream().filter(match).reduce((a, b) -> b);
    }

    private static Duration between(Optional<Instant> from, Optional<Instant> to) {
        return from.isPresent() && to.isPresent() ? Duration.between(from.get(), to.get()) : null;
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }
}
