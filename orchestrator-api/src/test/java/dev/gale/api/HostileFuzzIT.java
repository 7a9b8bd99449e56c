package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.security.Role;
import dev.gale.api.security.TaskTokens;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.tei.v1.AppendLogsRequest;
import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.CompleteTaskRequest;
import dev.gale.tei.v1.EmitAssetEventRequest;
import dev.gale.tei.v1.FailTaskRequest;
import dev.gale.tei.v1.GetAssetVersionRequest;
import dev.gale.tei.v1.GetLlmCatalogRequest;
import dev.gale.tei.v1.GetXComRequest;
import dev.gale.tei.v1.HeartbeatRequest;
import dev.gale.tei.v1.LogLine;
import dev.gale.tei.v1.PrepareLlmCallRequest;
import dev.gale.tei.v1.PutXComRequest;
import dev.gale.tei.v1.RecordLlmUsageRequest;
import dev.gale.tei.v1.RegisterRequest;
import dev.gale.tei.v1.StartTaskRequest;
import dev.gale.tei.v1.TaskExecutionGrpc.TaskExecutionBlockingStub;
import dev.gale.tei.v1.WorkerCapabilities;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.HashSet;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fuzz suite: generated malformed and hostile requests to the REST API and the TEI, asserting what a
 * user relies on whatever is sent: no 5xx and no gRPC INTERNAL or UNKNOWN, every REST refusal
 * problem+json, every answer within a few seconds, nothing stored by a refused request, and the secret
 * param's value in no answer. Seeded ({@code -Dgale.fuzz.seed=N} replays a run); the counts are printed.
 */
class HostileFuzzIT {
    private static final long SEED = Long.getLong("gale.fuzz.seed", 20261201L);
    private static final int REST_REQUESTS = Integer.getInteger("gale.fuzz.rest", 1200);
    private static final int TEI_CALLS = Integer.getInteger("gale.fuzz.tei", 300);
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final String TOKEN_SECRET = "fuzz-task-token-secret";
    private static final String SECRET = "fuzz-s3cret-pa55word-7731";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static GaleTestServer gale;
    private static HandWrittenWorker worker;
    private static Assignment assignment;

    @BeforeAll
    static void start() throws Exception {
        gale = new GaleTestServer(Map.of("gale.task-token.secret", TOKEN_SECRET, "gale.api.max-wait", "PT1S",
                "gale.scheduler.interval", "PT0.2S"), false);
        worker = new HandWrittenWorker(gale.grpcPort(), "fuzz-worker");
        var seeded = gale.post("/api/v1/dags/leaky_secret_for_tests/runs",
                "{\"conf\": {\"password\": \"" + SECRET + "\"}}");
        assertThat(seeded.statusCode()).isEqualTo(201);
        assignment = worker.nextAssignment();
        worker.tei.startTask(StartTaskRequest.newBuilder().setTaskToken(assignment.getTaskToken()).build());
    }

    @AfterAll
    static void stop() {
        worker.close();
        gale.close();
    }

    private static Set<String> column(String table, String column) {
        return new HashSet<>(gale.context.getBean(DSLContext.class).select(DSL.field(DSL.name(column), String.class))
                .from(DSL.table(DSL.name("gale", table))).fetch(0, String.class));
    }

    private static int count(String table) {
        return gale.context.getBean(DSLContext.class).fetchCount(DSL.table(DSL.name("gale", table)));
    }

    @Test
    void hostileRestRequestsAreRefusedAsProblemsWithoutStoringOrLeakingAnything() throws Exception {
        var tokens = new HostileRestRequests.Tokens(gale.adminToken, gale.token("fuzz-operator", Role.OPERATOR),
                gale.token("fuzz-viewer", Role.VIEWER));
        Set<String> runsBefore = column("dag_run", "run_id");
        Set<String> tokensBefore = column("api_token", "name");
        Set<String> answeredRuns = new HashSet<>();
        Set<String> answeredTokens = new HashSet<>();
        Set<String> answeredSecrets = new HashSet<>();
        Map<Integer, Integer> codes = new TreeMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<HostileRestRequests.Request> requests = new HostileRestRequests(SEED, tokens, SECRET)
                .generate(REST_REQUESTS);
        for (HostileRestRequests.Request request : requests) {
            long started = System.nanoTime();
            RawHttp.Answer answer;
            try {
                answer = RawHttp.send(gale.httpPort(), request.head(), request.body());
            } catch (java.io.IOException e) {
                failures.add(request.kind() + " " + abbreviated(request.line()) + ": no answer (" + e + ")");
                continue;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            codes.merge(answer.status(), 1, Integer::sum);
            kinds.merge(request.kind(), 1, Integer::sum);
            String what = request.kind() + " " + abbreviated(request.line()) + " -> " + answer.status();
            if (answer.status() >= 500) {
                failures.add(what + ": a server error " + abbreviated(answer.body()));
            }
            if (answer.status() >= 400 && !answer.contentType().startsWith("application/problem+json")) {
                failures.add(what + ": not problem+json but '" + answer.contentType() + "'");
            }
            if (took.compareTo(BOUND) > 0) {
                failures.add(what + ": took " + took.toMillis() + " ms");
            }
            if (answer.body().contains(SECRET)) {
                failures.add(what + ": the secret is in the answer");
            }
            if (answer.status() < 300 && request.line().startsWith("POST /api/v1/dags/")) {
                answeredRuns.add(JSON.readTree(answer.body()).get("runId").asString());
            }
            if (answer.status() < 300 && request.line().startsWith("POST /api/v1/tokens")) {
                answeredTokens.add(JSON.readTree(answer.body()).get("name").asString());
            }
            if (answer.status() < 300 && request.line().startsWith("PUT /api/v1/")) {
                JsonNode stored = JSON.readTree(answer.body());
                answeredSecrets.add(stored.has("connId") ? stored.get("connId").asString() : stored.get("key").asString());
            }
        }
        for (String listing : List.of("/api/v1/runs?limit=1000", "/api/v1/dags/leaky_secret_for_tests/runs",
                "/api/v1/dags/leaky_secret_for_tests", "/api/v1/dags")) {
            assertThat(gale.get(listing).body()).as(listing).doesNotContain(SECRET);
        }
        System.out.printf("REST fuzz (seed %d): %d requests, by kind %s, by status %s; %d runs and %d tokens"
                + " made by the valid ones%n", SEED, requests.size(), kinds, codes, answeredRuns.size(),
                answeredTokens.size());
        assertThat(failures).as("requests the API mishandled").isEmpty();
        assertThat(requests).hasSizeGreaterThanOrEqualTo(1000);
        Set<String> storedRuns = column("dag_run", "run_id");
        storedRuns.removeAll(runsBefore);
        assertThat(storedRuns).as("runs stored, beyond those answered as created").isSubsetOf(answeredRuns);
        Set<String> storedTokens = column("api_token", "name");
        storedTokens.removeAll(tokensBefore);
        assertThat(storedTokens).as("tokens stored, beyond those answered as created").isSubsetOf(answeredTokens);
        Set<String> storedSecrets = column("connection", "conn_id");
        storedSecrets.addAll(column("variable", "key"));
        assertThat(storedSecrets).as("connections and variables stored, beyond those answered as stored")
                .isSubsetOf(answeredSecrets);
    }

    @Test
    void hostileTeiCallsAreClientErrorsThatStoreNothing() throws Exception {
        Random random = new Random(SEED);
        String real = assignment.getTaskToken();
        long instance = new TaskTokens(TOKEN_SECRET, Clock.systemUTC(), Duration.ofMinutes(5)).verify(real)
                .taskInstanceId();
        Clock anHourAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        List<String> forged = List.of("", "not-a-token", "a.b.c", real + "x", real.substring(0, real.length() - 3),
                new TaskTokens("another-secret", Clock.systemUTC(), Duration.ofMinutes(5))
                        .issue(new TaskAttempt(instance, 1)),
                new TaskTokens(TOKEN_SECRET, anHourAgo, Duration.ofMinutes(1)).issue(new TaskAttempt(instance, 1)),
                new TaskTokens(TOKEN_SECRET, Clock.systemUTC(), Duration.ofMinutes(5))
                        .issue(new TaskAttempt(instance, 2)),
                new TaskTokens(TOKEN_SECRET, Clock.systemUTC(), Duration.ofMinutes(5))
                        .issue(new TaskAttempt(987_654_321L, 1)));
        List<String> badJson = List.of("not json", "{", "{\"a\": }", "\"a\\u0000b\"", "{\"k\": \"\\ud800\"}",
                "{\"\\u0000\": 1}", "[" + "[".repeat(5000), "nul", "'single'", "[" + "1,".repeat(600_000));
        List<String> text = List.of("a\u0000b", "", "x".repeat(10_000), "../../etc", "'; drop table xcom; --");
        int xcomsBefore = count("xcom");
        int runsBefore = count("dag_run");
        List<Function<TaskExecutionBlockingStub, Object>> calls = new ArrayList<>();
        for (int i = 0; i < TEI_CALLS; i++) {
            String token = random.nextInt(3) == 0 ? real : forged.get(random.nextInt(forged.size()));
            String json = badJson.get(random.nextInt(badJson.size()));
            String string = text.get(random.nextInt(text.size()));
            calls.add(switch (random.nextInt(14)) {
                case 0 -> tei -> tei.register(RegisterRequest.newBuilder().setWorkerId(string).setHostname(string)
                        .addQueues(string).setCapabilities(WorkerCapabilities.newBuilder()
                                .setGpuCount(-random.nextInt(3)).putLabels(string, string)).build());
                case 1 -> tei -> tei.startTask(StartTaskRequest.newBuilder().setTaskToken(token).build());
                case 2 -> tei -> tei.heartbeat(HeartbeatRequest.newBuilder().setTaskToken(token).build());
                case 3 -> tei -> tei.appendLogs(AppendLogsRequest.newBuilder().setTaskToken(token)
                        .addLines(LogLine.newBuilder().setLine(string).setStream(string)
                                .setTimestampMs(random.nextLong())).build());
                case 4 -> tei -> tei.putXCom(PutXComRequest.newBuilder().setTaskToken(token)
                        .setKey(random.nextBoolean() ? "return_value" : string)
                        .setValueJson(random.nextInt(4) == 0 ? "" : json).build());
                case 5 -> tei -> tei.getXCom(GetXComRequest.newBuilder().setTaskToken(token).setTaskId(string)
                        .setKey(string).setMapIndex(random.nextInt()).build());
                case 6 -> tei -> tei.emitAssetEvent(EmitAssetEventRequest.newBuilder().setTaskToken(token)
                        .setAssetName(string).setMetadataJson(json).setEventId(string).build());
                case 7 -> tei -> tei.getAssetVersion(GetAssetVersionRequest.newBuilder().setTaskToken(token)
                        .setAssetName(string.isEmpty() ? "model://nothing" : string).setVersion(random.nextInt())
                        .build());
                case 8 -> tei -> tei.recordLlmUsage(RecordLlmUsageRequest.newBuilder().setTaskToken(token)
                        .setProvider(string).setModel(string).setOutcome(random.nextBoolean() ? "success" : string)
                        .setResponseJson(json).setError(string).setInputTokens(random.nextLong()).build());
                case 9 -> tei -> tei.prepareLlmCall(PrepareLlmCallRequest.newBuilder().setTaskToken(token)
                        .setCallHash(string).build());
                case 10 -> tei -> tei.getLlmCatalog(GetLlmCatalogRequest.newBuilder().setTaskToken(token).build());
                case 11 -> tei -> tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(token)
                        .setOutputJson(json).build());
                case 12 -> tei -> tei.failTask(FailTaskRequest.newBuilder().setTaskToken(forged.get(random.nextInt(
                        forged.size()))).setError(string).build());
                default -> tei -> tei.putXCom(PutXComRequest.newBuilder().setTaskToken(token).setKey("big")
                        .setValueJson("\"" + "y".repeat(2 * 1024 * 1024) + "\"").build());
            });
        }
        Map<Status.Code, Integer> codes = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            long started = System.nanoTime();
            Status status;
            try {
                calls.get(i).apply(worker.tei.withDeadlineAfter(BOUND.toMillis(), TimeUnit.MILLISECONDS));
                status = Status.OK;
            } catch (StatusRuntimeException e) {
                status = e.getStatus();
            }
            codes.merge(status.getCode(), 1, Integer::sum);
            String what = "call " + i + " -> " + status.getCode() + " " + abbreviated(String.valueOf(
                    status.getDescription()));
            if (status.getCode() == Status.Code.INTERNAL || status.getCode() == Status.Code.UNKNOWN
                    || status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                failures.add(what);
            }
            String description = String.valueOf(status.getDescription());
            if (description.contains("SQL [") || description.toLowerCase().contains("insert into")
                    || description.contains(SECRET)) {
                failures.add(what + ": SQL or the secret in the description");
            }
            if (Duration.ofNanos(System.nanoTime() - started).compareTo(BOUND) > 0) {
                failures.add(what + ": took too long");
            }
        }
        int xcomsAfterRefusals = count("xcom");
        worker.tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(real).setOutputJson("\"done\"").build());
        Status duplicate = outcome(() -> worker.tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(real)
                .setOutputJson("\"done\"").build()));
        Status failAfter = outcome(() -> worker.tei.failTask(FailTaskRequest.newBuilder().setTaskToken(real)
                .setError("late").build()));
        codes.merge(duplicate.getCode(), 1, Integer::sum);
        codes.merge(failAfter.getCode(), 1, Integer::sum);
        System.out.printf("TEI fuzz (seed %d): %d calls, by status %s%n", SEED, calls.size() + 2, codes);
        assertThat(failures).as("calls the TEI mishandled").isEmpty();
        assertThat(calls).hasSizeGreaterThanOrEqualTo(200);
        assertThat(xcomsAfterRefusals).as("XComs stored by refused calls").isEqualTo(xcomsBefore);
        assertThat(count("dag_run")).isEqualTo(runsBefore);
        // A repeat of the recorded outcome (its answer was lost) is OK again; a conflicting one is refused.
        assertThat(duplicate.getCode()).isEqualTo(Status.Code.OK);
        assertThat(failAfter.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(JSON.readTree(gale.get("/api/v1/dags/leaky_secret_for_tests/runs/" + assignment.getRunId())
                .body()).get("state").asString()).isEqualTo("success");
    }

    private static Status outcome(Runnable call) {
        try {
            call.run();
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    private static String abbreviated(String text) {
        String line = text.replaceAll("[\\p{Cntrl}]", "?");
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }
}
