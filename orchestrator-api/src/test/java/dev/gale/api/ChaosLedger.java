package dev.gale.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The executions the chaos DAG's tasks wrote down ("S|E runId taskId attempt pid epochMs"), read back:
 * which task instances ran when, in which process, and whether two executions of one overlapped.
 */
final class ChaosLedger {
    /** One execution of one attempt of a task instance; {@code end} is null when its process died first. */
    record Execution(String runId, String taskId, int attempt, long pid, long start, Long end) {
        String taskInstance() {
            return runId + "/" + taskId;
        }

        /** When it stopped running: its end, else when its process was killed, else never. */
        long stoppedAt(Map<Long, Long> killedAt) {
            return end != null ? end : killedAt.getOrDefault(pid, Long.MAX_VALUE);
        }
    }

    final List<Execution> executions;

    private ChaosLedger(List<Execution> executions) {
        this.executions = executions;
    }

    static ChaosLedger read(Path file) throws IOException {
        Map<String, Execution> byKey = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(" ");
            if (f.length != 6) {
                continue;
            }
            String key = f[1] + " " + f[2] + " " + f[3] + " " + f[4];
            long at = Long.parseLong(f[5]);
            if (f[0].equals("S")) {
                byKey.put(key, new Execution(f[1], f[2], Integer.parseInt(f[3]), Long.parseLong(f[4]), at, null));
            } else {
                Execution started = byKey.get(key);
                byKey.put(key, new Execution(f[1], f[2], Integer.parseInt(f[3]), Long.parseLong(f[4]),
                        started == null ? at : started.start(), at));
            }
        }
        return new ChaosLedger(List.copyOf(byKey.values()));
    }

    Map<String, List<Execution>> byTaskInstance() {
        return executions.stream().collect(Collectors.groupingBy(Execution::taskInstance, LinkedHashMap::new,
                Collectors.collectingAndThen(Collectors.toList(), list -> list.stream()
                        .sorted(Comparator.comparingLong(Execution::start)).toList())));
    }

    /** Pairs of executions of one task instance where the later began before the earlier stopped. */
    List<String> overlaps(Map<Long, Long> killedAt) {
        List<String> overlaps = new ArrayList<>();
        byTaskInstance().forEach((instance, list) -> {
            for (int i = 1; i < list.size(); i++) {
                Execution before = list.get(i - 1);
                Execution after = list.get(i);
                if (after.start() < before.stoppedAt(killedAt)) {
                    overlaps.add(before + " and " + after);
                }
            }
        });
        return overlaps;
    }

    /** Task instances executed more than once (each time a kill cut one short or lost its outcome). */
    long reExecuted() {
        return byTaskInstance().values().stream().filter(list -> list.size() > 1).count();
    }

    /** Task instances whose code ran to its end more than once. */
    long completedMoreThanOnce() {
        return byTaskInstance().values().stream()
                .filter(list -> list.stream().filter(e -> e.end() != null).count() > 1).count();
    }

    /**
     * For each execution cut short by the kill of its process at {@code killedAt}: how long until the next
     * execution of the same task instance began, in ms.
     */
    List<Long> rerunDelays(long pid, long killedAt) {
        List<Long> delays = new ArrayList<>();
        Map<String, List<Execution>> byInstance = byTaskInstance();
        for (Execution e : executions) {
            if (e.pid() == pid && e.end() == null && e.start() <= killedAt) {
                OptionalLong next = byInstance.get(e.taskInstance()).stream()
                        .filter(o -> o.start() > e.start() && o.pid() != pid).mapToLong(Execution::start).min();
                next.ifPresent(t -> delays.add(t - killedAt));
            }
        }
        return delays;
    }
}
