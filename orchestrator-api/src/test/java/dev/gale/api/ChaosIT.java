package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chaos suite: the production shape ({@link ChaosCluster}) runs a stream of {@code ledger_for_tests}
 * runs, triggered by clients alternating between the two API servers (some waiting synchronously with
 * {@code ?wait=}), while workers, an API server with a scheduler, and PostgreSQL are killed and restarted.
 * Then it counts, from the database and the tasks' own ledger, what was lost, stuck, doubled or dropped.
 *
 * <p>CI runs the short plan (60 runs, two worker kills, one API server and scheduler kill, one PostgreSQL
 * fast restart). The full plan (300 runs, a worker killed every 10 s, both API servers and schedulers killed
 * in turn, a fast restart, and a SIGKILLed postmaster left down for 60 s) runs with {@code -Dgale.chaos=full}
 * or {@code GALE_CHAOS=full}; both print their figures and write them to {@code target/chaos-report.txt}, and
 * keep every process's log and the ledger in {@code target/chaos-short} or {@code target/chaos-full}.
 */
class ChaosIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String DAG = "ledger_for_tests";

    enum Kind { KILL_WORKER_1, KILL_WORKER_2, KILL_SERVER_AND_SCHEDULER_1, KILL_SERVER_AND_SCHEDULER_2,
        RESTART_POSTGRES, KILL_POSTGRES_DOWN_60_S }

    record Event(long atMs, Kind kind) {
    }

    record Plan(String name, int runs, long triggeringMs, List<Event> events) {
        static Plan chosen() {
            String mode = System.getProperty("gale.chaos", System.getenv().getOrDefault("GALE_CHAOS", "short"));
            return mode.equals("full") ? full() : shortPlan();
        }

        static Plan shortPlan() {
            return new Plan("short", 60, 40_000, List.of(new Event(8_000, Kind.KILL_WORKER_1),
                    new Event(16_000, Kind.KILL_SERVER_AND_SCHEDULER_1), new Event(26_000, Kind.RESTART_POSTGRES),
                    new Event(34_000, Kind.KILL_WORKER_2)));
        }

        static Plan full() {
            List<Event> events = new ArrayList<>();
            for (long at = 10_000; at <= 190_000; at += 10_000) {
                events.add(new Event(at, (at / 10_000) % 2 == 1 ? Kind.KILL_WORKER_1 : Kind.KILL_WORKER_2));
            }
            events.add(new Event(45_000, Kind.KILL_SERVER_AND_SCHEDULER_1));
            events.add(new Event(85_000, Kind.KILL_SERVER_AND_SCHEDULER_2));
            events.add(new Event(115_000, Kind.RESTART_POSTGRES));
            events.add(new Event(135_000, Kind.KILL_POSTGRES_DOWN_60_S));
            events.sort(java.util.Comparator.comparingLong(Event::atMs));
            return new Plan("full", 300, 200_000, List.copyOf(events));
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<Integer, Integer> answers = new ConcurrentHashMap<>();
    private final Set<String> requestsWith5xx = ConcurrentHashMap.newKeySet();
    private final Set<String> requestsWithDroppedConnection = ConcurrentHashMap.newKeySet();
    private final AtomicInteger droppedConnections = new AtomicInteger();
    private final List<Long> syncLatenciesMs = Collections.synchronizedList(new ArrayList<>());
    private final List<String> clientErrors = Collections.synchronizedList(new ArrayList<>());

    @Test
    void theProductionShapeLosesDoublesAndStrandsNothingThroughKillsAndAPostgresRestart() throws Exception {
        Plan plan = Plan.chosen();
        // Kept after the run (every process's log, the ledger, PostgreSQL's data) for a look at what happened.
        Path dir = Path.of("target", "chaos-" + plan.name()).toAbsolutePath();
        deleteRecursively(dir);
        Files.createDirectories(dir);
        Path ledger = dir.resolve("ledger.txt");
        Files.createFile(ledger);
        // Workers reach one API address each, so an attempt's heartbeats pause while its server restarts;
        // the timeout outlasts that restart. A restarted worker's attempts are released at once regardless.
        try (ChaosCluster cluster = new ChaosCluster(dir, ChaosCluster.environment(Duration.ofSeconds(60)));
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            cluster.start();
            long began = System.currentTimeMillis();
            List<Future<?>> triggers = new ArrayList<>();
            Map<Event, Long> happenedAt = new ConcurrentHashMap<>();
            Map<Event, Long> killedPid = new ConcurrentHashMap<>();
            List<String> supervised = Collections.synchronizedList(new ArrayList<>());
            Thread supervisor = Thread.ofPlatform().daemon().name("supervisor").start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    supervised.addAll(cluster.restartExited());
                    try {
                        // A supervisor's back-off: a start that fails while PostgreSQL is down is retried every 5 s.
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Thread chaos = Thread.ofPlatform().name("chaos").start(() -> runEvents(cluster, plan, began, happenedAt,
                    killedPid));
            for (int n = 0; n < plan.runs(); n++) {
                long due = began + plan.triggeringMs() * n / plan.runs();
                Thread.sleep(Math.max(0, due - System.currentTimeMillis()));
                int request = n;
                triggers.add(clients.submit(() -> trigger(cluster, ledger, request, request % 4 == 0)));
            }
            for (Future<?> trigger : triggers) {
                trigger.get(5, TimeUnit.MINUTES);
            }
            chaos.join(Duration.ofMinutes(5).toMillis());
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> count(cluster, "select count(*) from gale.dag_run where dag_id = '" + DAG
                            + "' and state in ('queued', 'running')") == 0);
            long finished = System.currentTimeMillis();
            supervisor.interrupt();

            Report report = report(cluster, plan, ledger, happenedAt, killedPid, began, finished - began, supervised);
            Files.writeString(Path.of("target", "chaos-report.txt"), report.text());
            System.out.println(report.text());

            assertThat(clientErrors).as("requests refused with 4xx").isEmpty();
            // Only a start that met PostgreSQL down may end a process; it exits 2 saying so, and is started again.
            assertThat(supervised).as("processes that exited on their own").allMatch(exit -> exit.endsWith("exited 2"));
            assertThat(report.runStates()).as("runs by state").containsOnlyKeys("success");
            assertThat(report.runStates().get("success")).as("runs").isGreaterThanOrEqualTo(plan.runs());
            assertThat(report.requestsWithoutRun()).as("requests answered 2xx without a run").isZero();
            assertThat(report.taskInstancesNotSucceeded()).as("task instances lost or stuck").isZero();
            assertThat(report.overlaps()).as("overlapping executions of one task instance").isEmpty();
            assertThat(report.outcomesDropped()).as("executions that ended but whose outcome was not recorded")
                    .isEmpty();
            assertThat(report.runsLeftBy5xx()).as("5xx answers that left a run behind").isZero();
            assertThat(answers.keySet().stream().filter(code -> code >= 500 && code != 503).toList())
                    .as("5xx other than 503").isEmpty();
        }
    }

    /** Runs each event at its time, each on its own thread, so that a slow restart delays no later event. */
    private void runEvents(ChaosCluster cluster, Plan plan, long began, Map<Event, Long> happenedAt,
                           Map<Event, Long> killedPid) {
        List<Thread> running = new ArrayList<>();
        for (Event event : plan.events()) {
            try {
                Thread.sleep(Math.max(0, began + event.atMs() - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            running.add(Thread.ofPlatform().name("chaos-" + event.kind()).start(() -> {
                try {
                    happen(cluster, event, happenedAt, killedPid);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread thread : running) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void happen(ChaosCluster cluster, Event event, Map<Event, Long> happenedAt,
                               Map<Event, Long> killedPid) throws InterruptedException {
        long at = System.currentTimeMillis();
        happenedAt.put(event, at);
        switch (event.kind()) {
            case KILL_WORKER_1, KILL_WORKER_2 -> {
                int worker = event.kind() == Kind.KILL_WORKER_1 ? 0 : 1;
                killedPid.put(event, cluster.workerPid(worker));
                cluster.killAndRestartWorker(worker);
            }
            case KILL_SERVER_AND_SCHEDULER_1 -> cluster.killAndRestartServerAndScheduler(0);
            case KILL_SERVER_AND_SCHEDULER_2 -> cluster.killAndRestartServerAndScheduler(1);
            case RESTART_POSTGRES -> {
                cluster.postgres.stopFast();
                cluster.postgres.start();
            }
            case KILL_POSTGRES_DOWN_60_S -> {
                cluster.postgres.killPostmaster();
                Thread.sleep(60_000);
                cluster.postgres.start();
            }
        }
    }

    /** Triggers run {@code request}, retrying on another server after a 503 or a lost connection. */
    private void trigger(ChaosCluster cluster, Path ledger, int request, boolean synchronous) {
        String requestId = "r-" + request;
        String body = JSON.writeValueAsString(Map.of("conf", Map.of("ledger", ledger.toString(),
                "request", requestId)));
        long deadline = System.currentTimeMillis() + 240_000;
        for (int tries = 0; System.currentTimeMillis() < deadline; tries++) {
            int server = (request + tries) % 2;
            long sent = System.currentTimeMillis();
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                                cluster.baseUrl(server) + "/api/v1/dags/" + DAG + "/runs"
                                        + (synchronous ? "?wait=PT60S" : "")))
                        .timeout(Duration.ofSeconds(90))
                        .header("Authorization", "Bearer " + ServerProcesses.ADMIN_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                answers.merge(response.statusCode(), 1, Integer::sum);
                int status = response.statusCode();
                if (status == 200 || status == 201 || status == 202) {
                    if (synchronous && status == 200) {
                        syncLatenciesMs.add(System.currentTimeMillis() - sent);
                    }
                    return;
                }
                if (status >= 500) {
                    requestsWith5xx.add(requestId);
                } else {
                    clientErrors.add(requestId + ": " + status + " " + response.body());
                    return;
                }
            } catch (IOException e) {
                droppedConnections.incrementAndGet();
                requestsWithDroppedConnection.add(requestId);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        clientErrors.add(requestId + ": no 2xx answer within 240 s");
    }

    record Report(String text, Map<String, Integer> runStates, int requestsWithoutRun, int taskInstancesNotSucceeded,
                  List<String> overlaps, List<String> outcomesDropped, int runsLeftBy5xx) {
    }

    private Report report(ChaosCluster cluster, Plan plan, Path ledgerFile, Map<Event, Long> happenedAt,
                          Map<Event, Long> killedPid, long began, long elapsedMs, List<String> supervised)
            throws Exception {
        ChaosLedger ledger = ChaosLedger.read(ledgerFile);
        Map<String, Integer> runStates = new TreeMap<>();
        Map<String, Integer> runsPerRequest = new HashMap<>();
        Set<String> succeededAttempts = new HashSet<>();
        List<Long> successEnds = new ArrayList<>();
        int notSucceeded;
        try (Connection c = DriverManager.getConnection(cluster.postgres.jdbcUrl(), cluster.postgres.user(),
                cluster.postgres.password()); Statement st = c.createStatement()) {
            try (ResultSet r = st.executeQuery("select state, count(*) from gale.dag_run where dag_id = '" + DAG
                    + "' group by state")) {
                while (r.next()) {
                    runStates.put(r.getString(1), r.getInt(2));
                }
            }
            try (ResultSet r = st.executeQuery("select conf->>'request', count(*) from gale.dag_run where dag_id = '"
                    + DAG + "' group by 1")) {
                while (r.next()) {
                    runsPerRequest.put(r.getString(1), r.getInt(2));
                }
            }
            try (ResultSet r = st.executeQuery("select r.run_id, ti.task_id, a.attempt, a.ended_at from"
                    + " gale.task_attempt a join gale.task_instance ti on ti.id = a.task_instance_id join gale.dag_run r"
                    + " on r.id = ti.dag_run_id where r.dag_id = '" + DAG + "' and a.state = 'success'")) {
                while (r.next()) {
                    succeededAttempts.add(r.getString(1) + "/" + r.getString(2) + "/" + r.getInt(3));
                    successEnds.add(r.getTimestamp(4).getTime());
                }
            }
            notSucceeded = count(st, "select count(*) from gale.task_instance ti join gale.dag_run r on"
                    + " r.id = ti.dag_run_id where r.dag_id = '" + DAG + "' and ti.state <> 'success'");
        }
        int requestsWithoutRun = 0;
        for (int n = 0; n < plan.runs(); n++) {
            if (!runsPerRequest.containsKey("r-" + n) && !clientErrors.toString().contains("r-" + n + ":")) {
                requestsWithoutRun++;
            }
        }
        int runsLeftBy5xx = (int) requestsWith5xx.stream().filter(id -> runsPerRequest.getOrDefault(id, 0) > 1)
                .filter(id -> !requestsWithDroppedConnection.contains(id)).count();
        long runsLeftByDroppedConnection = requestsWithDroppedConnection.stream()
                .filter(id -> runsPerRequest.getOrDefault(id, 0) > 1).count();

        // An execution that ended in a process not killed within 60 s of its end must have its success recorded.
        List<String> dropped = new ArrayList<>();
        for (ChaosLedger.Execution e : ledger.executions) {
            Long killed = cluster.killedAt.get(e.pid());
            if (e.end() != null && (killed == null || killed > e.end() + 60_000)
                    && !succeededAttempts.contains(e.runId() + "/" + e.taskId() + "/" + e.attempt())) {
                dropped.add(e.toString());
            }
        }
        List<String> overlaps = ledger.overlaps(cluster.killedAt);
        Collections.sort(successEnds);

        StringBuilder text = new StringBuilder();
        text.append("Chaos run (").append(plan.name()).append(" plan): ").append(plan.runs()).append(" triggered runs of ")
                .append(DAG).append(" (4 tasks, 3 retries each) over ").append(plan.triggeringMs() / 1000)
                .append(" s; everything finished ").append(elapsedMs / 1000).append(" s after the first trigger\n");
        text.append("  runs by state: ").append(runStates).append("\n");
        text.append("  task instances not succeeded (lost or stuck): ").append(notSucceeded).append("\n");
        text.append("  task executions: ").append(ledger.executions.size()).append("; task instances executed more")
                .append(" than once: ").append(ledger.reExecuted()).append("; ran to their end more than once: ")
                .append(ledger.completedMoreThanOnce()).append("\n");
        text.append("  overlapping executions of one task instance: ").append(overlaps.size()).append("\n");
        text.append("  outcomes dropped (ended, process alive, success not recorded): ").append(dropped.size())
                .append("\n");
        text.append("  REST answers: ").append(new TreeMap<>(answers)).append("; connections lost mid-request: ")
                .append(droppedConnections.get()).append("\n");
        text.append("  5xx answers that left a run behind: ").append(runsLeftBy5xx)
                .append("; lost connections whose request had created a run (retried, so run twice): ")
                .append(runsLeftByDroppedConnection).append("\n");
        text.append("  processes that exited on their own and were started again: ").append(supervised).append("\n");
        text.append("  synchronous ?wait= triggers answered 200: ").append(syncLatenciesMs.size())
                .append(", median ").append(percentile(syncLatenciesMs, 50)).append(" ms, max ")
                .append(percentile(syncLatenciesMs, 100)).append(" ms\n");
        for (Event event : plan.events()) {
            Long at = happenedAt.get(event);
            if (at == null) {
                text.append("  ").append(event.kind()).append(" at +").append(event.atMs() / 1000)
                        .append(" s: did not happen\n");
                continue;
            }
            Long nextSuccess = successEnds.stream().filter(t -> t > at).findFirst().orElse(null);
            text.append("  ").append(event.kind()).append(" at +").append(event.atMs() / 1000).append(" s (")
                    .append(at - began).append(" ms after the first trigger): next")
                    .append(" task success recorded after ").append(nextSuccess == null ? "never"
                            : (nextSuccess - at) + " ms");
            Long pid = killedPid.get(event);
            if (pid != null && event.kind().name().startsWith("KILL_WORKER")) {
                List<Long> delays = ledger.rerunDelays(pid, at);
                text.append("; its ").append(delays.size()).append(" cut-short task(s) ran again after ")
                        .append(delays.isEmpty() ? "-" : percentile(delays, 50) + " ms (median), "
                                + percentile(delays, 100) + " ms (max)");
            }
            text.append("\n");
        }
        return new Report(text.toString(), runStates, requestsWithoutRun, notSucceeded, overlaps, dropped,
                runsLeftBy5xx);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static long percentile(List<Long> values, int percentile) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static int count(ChaosCluster cluster, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(cluster.postgres.jdbcUrl(), cluster.postgres.user(),
                cluster.postgres.password()); Statement st = c.createStatement()) {
            return count(st, sql);
        }
    }

    private static int count(Statement st, String sql) throws SQLException {
        try (ResultSet r = st.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }
}
