package dev.gale.api;

import static org.awaitility.Awaitility.await;

import dev.gale.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production shape as separate OS processes on one PostgreSQL of its own: two API servers, two
 * schedulers and two workers with fixed ids (worker i talks to server i), each of which can be killed
 * with SIGKILL and started again on the same ports and id, and the PostgreSQL server under them.
 */
final class ChaosCluster implements AutoCloseable {
    static final String[] WORKER_IDS = {"chaos-worker-1", "chaos-worker-2"};

    final ExternalPostgres postgres;
    private final Map<String, String> environment;
    private final ServerProcesses gale;
    private final WorkerProcesses workers;
    private final int[] httpPorts = {ServerProcesses.freePort(), ServerProcesses.freePort()};
    private final int[] grpcPorts = {ServerProcesses.freePort(), ServerProcesses.freePort()};
    private final Process[] servers = new Process[2];
    private final Process[] schedulers = new Process[2];
    private final Process[] workerProcesses = new Process[2];
    private final AtomicInteger starts = new AtomicInteger();
    /** Every process killed, by pid, with when: the ledger's executions of a killed worker end there. */
    final Map<Long, Long> killedAt = new java.util.concurrent.ConcurrentHashMap<>();

    ChaosCluster(Path dir, Map<String, String> environment) {
        this.postgres = new ExternalPostgres(dir.resolve("pgdata"));
        Path bundle = WorkerProcesses.testBundleJar(dir.resolve("chaos-dags.jar"));
        this.gale = new ServerProcesses(dir, bundle, new TestPostgres.Database(postgres.jdbcUrl(), postgres.user(),
                postgres.password()));
        this.workers = new WorkerProcesses(dir);
        this.environment = environment;
    }

    /** Starts every process and returns once all are up and both workers connected. */
    void start() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            names.add(startServer(i));
            names.add(startScheduler(i));
        }
        awaitRunning(names);
        for (int i = 0; i < 2; i++) {
            startWorker(i);
        }
        for (int i = 0; i < 2; i++) {
            awaitWorkerConnected(i);
        }
    }

    String baseUrl(int server) {
        return "http://localhost:" + httpPorts[server];
    }

    private String startServer(int i) {
        String name = "server-" + (i + 1) + "-" + starts.incrementAndGet();
        servers[i] = gale.server(name, httpPorts[i], grpcPorts[i], environment);
        return name;
    }

    private String startScheduler(int i) {
        String name = "scheduler-" + (i + 1) + "-" + starts.incrementAndGet();
        schedulers[i] = gale.scheduler(name, environment);
        return name;
    }

    private void startWorker(int i) {
        workerProcesses[i] = workers.start(WORKER_IDS[i], grpcPorts[i], "--slots", "4");
    }

    private void awaitRunning(List<String> names) {
        await().atMost(Duration.ofMinutes(3)).until(() -> {
            for (String name : names) {
                if (!gale.output(name).contains("is running")) {
                    return false;
                }
            }
            return true;
        });
    }

    private void awaitWorkerConnected(int i) {
        await().atMost(Duration.ofMinutes(2)).until(() -> workers.output(WORKER_IDS[i]).contains("connected to"));
    }

    long workerPid(int i) {
        return workerProcesses[i].pid();
    }

    /** SIGKILL to worker i and a new process under the same id at once; returns when it was killed. */
    synchronized long killAndRestartWorker(int i) {
        long at = kill(workerProcesses[i]);
        startWorker(i);
        return at;
    }

    /** SIGKILL to server i and scheduler i, then both started again at once; returns when they were killed. */
    synchronized long killAndRestartServerAndScheduler(int i) {
        long at = kill(servers[i]);
        kill(schedulers[i]);
        startServer(i);
        startScheduler(i);
        return at;
    }

    private long kill(Process process) {
        long at = System.currentTimeMillis();
        process.destroyForcibly();
        killedAt.put(process.pid(), at);
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return at;
    }

    /**
     * Acts as a supervisor would (Kubernetes, systemd): a process that exited on its own, e.g. a server that
     * could not reach PostgreSQL while starting, is started again. Returns what it restarted, with exit codes.
     */
    synchronized List<String> restartExited() {
        List<String> restarted = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            if (!servers[i].isAlive()) {
                restarted.add("server " + (i + 1) + " exited " + servers[i].exitValue());
                startServer(i);
            }
            if (!schedulers[i].isAlive()) {
                restarted.add("scheduler " + (i + 1) + " exited " + schedulers[i].exitValue());
                startScheduler(i);
            }
            if (!workerProcesses[i].isAlive()) {
                restarted.add("worker " + (i + 1) + " exited " + workerProcesses[i].exitValue());
                startWorker(i);
            }
        }
        return restarted;
    }

    static Map<String, String> environment(Duration heartbeatTimeout) {
        Map<String, String> environment = new HashMap<>();
        environment.put("GALE_HEARTBEAT_TIMEOUT", heartbeatTimeout.toString());
        environment.put("GALE_HEARTBEAT_INTERVAL", "PT1S");
        environment.put("GALE_SCHEDULER_INTERVAL", "PT0.5S");
        environment.put("GALE_DB_CONNECTION_TIMEOUT", "PT2S");
        return environment;
    }

    @Override
    public void close() {
        workers.close();
        gale.close();
        postgres.close();
    }
}
