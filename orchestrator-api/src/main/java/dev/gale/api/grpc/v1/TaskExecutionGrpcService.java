package dev.gale.api.grpc.v1;

import dev.gale.api.faults.DatabaseOutage;
import dev.gale.api.security.TaskTokens;
import dev.gale.scheduler.service.Connections;
import dev.gale.scheduler.service.LlmCallRecord;
import dev.gale.assets.AliasConflictException;
import dev.gale.assets.AliasMove;
import dev.gale.assets.AssetVersion;
import dev.gale.assets.UnknownAssetException;
import dev.gale.scheduler.service.DeferredTasks;
import dev.gale.scheduler.service.InvalidAssetCallException;
import dev.gale.scheduler.trigger.InvalidTriggerException;
import dev.gale.scheduler.service.ReportOutcome;
import dev.gale.scheduler.service.RunCallbackDeliveries;
import dev.gale.scheduler.service.TaskAliasService;
import dev.gale.scheduler.service.TaskAssetService;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.scheduler.service.TaskLogLine;
import dev.gale.scheduler.service.WorkerDirectory;
import dev.gale.scheduler.service.WorkerRegistration;
import dev.gale.scheduler.service.WorkerView;
import dev.gale.tei.v1.AppendLogsRequest;
import dev.gale.tei.v1.AppendLogsResponse;
import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.ClaimRunCallbacksRequest;
import dev.gale.tei.v1.ClaimRunCallbacksResponse;
import dev.gale.tei.v1.CompleteTaskRequest;
import dev.gale.tei.v1.CompleteTaskResponse;
import dev.gale.tei.v1.DeferTaskRequest;
import dev.gale.tei.v1.DeferTaskResponse;
import dev.gale.tei.v1.EmitAssetEventRequest;
import dev.gale.tei.v1.EmitAssetEventResponse;
import dev.gale.tei.v1.FailTaskRequest;
import dev.gale.tei.v1.FailTaskResponse;
import dev.gale.tei.v1.GetLlmCatalogRequest;
import dev.gale.tei.v1.GetLlmCatalogResponse;
import dev.gale.tei.v1.GetAssetVersionRequest;
import dev.gale.tei.v1.GetConnectionRequest;
import dev.gale.tei.v1.GetConnectionResponse;
import dev.gale.tei.v1.GetVariableRequest;
import dev.gale.tei.v1.GetVariableResponse;
import dev.gale.tei.v1.GetAssetVersionResponse;
import dev.gale.tei.v1.GetXComRequest;
import dev.gale.tei.v1.GetXComResponse;
import dev.gale.tei.v1.MoveAssetAliasRequest;
import dev.gale.tei.v1.MoveAssetAliasResponse;
import dev.gale.tei.v1.HeartbeatRequest;
import dev.gale.tei.v1.HeartbeatResponse;
import dev.gale.tei.v1.PrepareLlmCallRequest;
import dev.gale.tei.v1.PrepareLlmCallResponse;
import dev.gale.tei.v1.PullRequest;
import dev.gale.tei.v1.PutXComRequest;
import dev.gale.tei.v1.PutXComResponse;
import dev.gale.tei.v1.RecordLlmUsageRequest;
import dev.gale.tei.v1.RecordLlmUsageResponse;
import dev.gale.tei.v1.RegisterRequest;
import dev.gale.tei.v1.RegisterResponse;
import dev.gale.tei.v1.ReportRunCallbackRequest;
import dev.gale.tei.v1.ReportRunCallbackResponse;
import dev.gale.tei.v1.StartTaskRequest;
import dev.gale.tei.v1.StartTaskResponse;
import dev.gale.tei.v1.TaskExecutionGrpc;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** The TEI's server side: a thin adapter from gRPC onto {@link TaskExecutionService}. */
public final class TaskExecutionGrpcService extends TaskExecutionGrpc.TaskExecutionImplBase implements AutoCloseable {
    /** XComs are for small values; a larger one belongs in storage, with a reference in the XCom. */
    static final int MAX_XCOM_CHARS = 1 << 20;
    private final TaskExecutionService tasks;
    private final TaskAssetService assets;
    private final TaskTokens tokens;
    private final Clock clock;
    private final Duration heartbeatInterval;
    private final AssignmentDispatcher dispatcher;
    private final JsonMapper json = JsonMapper.builder().build();
    private final LlmCalls llm;
    private final ConnectionRpcs connections;
    private final RunCallbackRpcs runCallbacks;
    private final TaskAliasService aliases;
    private final DeferredTasks deferred;

    public TaskExecutionGrpcService(TaskExecutionService tasks, WorkerDirectory workers, TaskAssetService assets,
                                    TaskTokens tokens, Clock clock, Duration heartbeatInterval, LlmCalls llm,
                                    Connections connections, RunCallbackDeliveries runCallbacks,
                                    TaskAliasService aliases, DeferredTasks deferred) {
        this.llm = llm;
        this.deferred = deferred;
        this.runCallbacks = new RunCallbackRpcs(runCallbacks);
        this.aliases = aliases;
        this.connections = new ConnectionRpcs(connections);
        this.tasks = tasks;
        this.assets = assets;
        this.tokens = tokens;
        this.clock = clock;
        this.heartbeatInterval = heartbeatInterval;
        this.dispatcher = new AssignmentDispatcher(tasks, workers, tokens);
    }

    /** Wakes the dispatcher: called when a task was queued anywhere in the cluster. */
    public void taskQueued() {
        dispatcher.wakeUp("a task was queued");
    }

    @Override
    public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
        if (request.getWorkerId().isBlank()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("worker_id is required").asRuntimeException());
            return;
        }
        List<String> queues = request.getQueuesList().isEmpty() ? List.of("default") : request.getQueuesList();
        var capabilities = request.getCapabilities();
        if (capabilities.getGpuCount() < 0 || capabilities.getGpuMemoryMb() < 0) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("gpu_count and gpu_memory_mb must not be"
                    + " negative; a worker without GPUs sends 0").asRuntimeException());
            return;
        }
        Map<String, Object> caps = Map.of(
                "slots", capabilities.getSlots(),
                "memoryMb", capabilities.getMemoryMb(),
                "gpuCount", capabilities.getGpuCount(),
                "gpuModel", capabilities.getGpuModel(),
                "gpuMemoryMb", capabilities.getGpuMemoryMb(),
                "takesCpuTasks", capabilities.getTakesCpuTasks(),
                "labels", capabilities.getLabelsMap(),
                "taskKinds", request.getTaskKindsList());
        try {
            tasks.registerWorker(new WorkerRegistration(request.getWorkerId(), request.getHostname(), queues,
                    json.writeValueAsString(caps), request.getSoftwareVersion(), clock.instant(),
                    request.getIncarnation()));
        } catch (RuntimeException e) {
            response.onError(failure(e));
            return;
        }
        response.onNext(RegisterResponse.newBuilder().setHeartbeatIntervalMs(heartbeatInterval.toMillis()).build());
        response.onCompleted();
    }

    @Override
    public StreamObserver<PullRequest> pullAssignments(StreamObserver<Assignment> responses) {
        ServerCallStreamObserver<Assignment> stream = (ServerCallStreamObserver<Assignment>) responses;
        AtomicReference<WorkerConnection> current = new AtomicReference<>();
        stream.setOnCancelHandler(() -> {
            WorkerConnection gone = current.get();
            if (gone != null) {
                dispatcher.disconnected(gone);
            }
        });
        return new StreamObserver<>() {
            private WorkerConnection connection;

            @Override
            public void onNext(PullRequest request) {
                if (connection == null) {
                    // Read from the database, not from this replica: the worker may have registered on another.
                    Optional<WorkerView> worker;
                    try {
                        worker = tasks.registeredWorker(request.getWorkerId());
                    } catch (RuntimeException e) {
                        stream.onError(failure(e));
                        return;
                    }
                    if (worker.isEmpty()) {
                        stream.onError(Status.FAILED_PRECONDITION.withDescription(
                                "worker " + request.getWorkerId() + " must call Register before PullAssignments")
                                .asRuntimeException());
                        return;
                    }
                    connection = new WorkerConnection(worker.get().offer(), worker.get().slots(), stream);
                    current.set(connection);
                    connection.addCredits(request.getFreeSlots());
                    dispatcher.connected(connection);
                    return;
                }
                // A CPU worker that still had credits got whatever was queued; work queued since wakes the
                // dispatcher anyway. Waking it for every finished task cost an empty claim per hop, on the
                // cores the next task's start needed.
                if (connection.addCredits(request.getFreeSlots())) {
                    dispatcher.wakeUp("credits");
                }
            }

            @Override
            public void onError(Throwable t) {
                if (connection != null) {
                    dispatcher.disconnected(connection);
                }
            }

            @Override
            public void onCompleted() {
                if (connection != null) {
                    dispatcher.disconnected(connection);
                }
                synchronized (stream) {
                    stream.onCompleted();
                }
            }
        };
    }

    @Override
    public void startTask(StartTaskRequest request, StreamObserver<StartTaskResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> {
            answer(tasks.start(attempt), StartTaskResponse.getDefaultInstance(), response);
        });
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> {
            ReportOutcome outcome = tasks.heartbeat(attempt);
            // A stale attempt is told to stop rather than refused: the worker can act on it.
            response.onNext(HeartbeatResponse.newBuilder()
                    .setShouldStop(outcome == ReportOutcome.STALE)
                    .setTaskToken(outcome == ReportOutcome.ACCEPTED ? tokens.issue(attempt) : "")
                    .build());
            response.onCompleted();
        });
    }

    @Override
    public void appendLogs(AppendLogsRequest request, StreamObserver<AppendLogsResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> {
            List<TaskLogLine> lines = request.getLinesList().stream()
                    .map(l -> new TaskLogLine(0, attempt.attempt(), Instant.ofEpochMilli(l.getTimestampMs()),
                            l.getStream().isEmpty() ? "task" : l.getStream(), l.getLine()))
                    .toList();
            answer(tasks.appendLogs(attempt, lines), AppendLogsResponse.getDefaultInstance(), response);
        });
    }

    @Override
    public void getXCom(GetXComRequest request, StreamObserver<GetXComResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> {
            if (!tasks.exists(attempt)) {
                response.onError(unknownTaskInstance(attempt));
                return;
            }
            String runId = tasks.runIdOf(attempt);
            String key = request.getKey().isEmpty() ? "return_value" : request.getKey();
            var value = tasks.xcom(runId, request.getTaskId(), request.getMapIndex(), key);
            response.onNext(GetXComResponse.newBuilder().setFound(value.isPresent()).setValueJson(value.orElse(""))
                    .build());
            response.onCompleted();
        });
    }

    @Override
    public void putXCom(PutXComRequest request, StreamObserver<PutXComResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> {
            String problem = xcomProblem(request);
            if (problem != null) {
                response.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
                return;
            }
            answer(tasks.putXCom(attempt, request.getKey(), request.getValueJson()),
                    PutXComResponse.getDefaultInstance(), response);
        });
    }

    private String xcomProblem(PutXComRequest request) {
        if (request.getKey().isBlank() || request.getKey().equals("return_value")) {
            return "an XCom key is required and must not be 'return_value'; send the task's output with CompleteTask";
        }
        if (request.getValueJson().length() > MAX_XCOM_CHARS) {
            return "XCom '" + request.getKey() + "' is " + request.getValueJson().length()
                    + " characters of JSON; the limit is " + MAX_XCOM_CHARS + ": store large values elsewhere and"
                    + " put a reference in the XCom";
        }
        try {
            json.readTree(request.getValueJson());
            return null;
        } catch (JacksonException e) {
            return "XCom '" + request.getKey() + "' is not valid JSON: " + e.getOriginalMessage();
        }
    }

    @Override
    public void emitAssetEvent(EmitAssetEventRequest request, StreamObserver<EmitAssetEventResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> {
            if (request.getAssetName().isBlank()) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("asset_name is required: an asset the task"
                        + " declares with writes(), e.g. \"model://churn\"").asRuntimeException());
                return;
            }
            try {
                Optional<AssetVersion> version = assets.emit(attempt, request.getAssetName(),
                        request.getMetadataJson(), request.getFingerprint(), request.getEventId());
                answer(version, v -> EmitAssetEventResponse.newBuilder().setVersion(v.version()).build(), response);
            } catch (InvalidAssetCallException e) {
                response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            }
        });
    }

    @Override
    public void getAssetVersion(GetAssetVersionRequest request, StreamObserver<GetAssetVersionResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> {
            if (request.getAssetName().isBlank() || request.getVersion() < 0
                    || (!request.getAlias().isEmpty() && request.getVersion() != 0)) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("asset_name is required, e.g."
                        + " \"model://churn\", and version must be a version number or 0 for the current one"
                        + " (0 when an alias is given)").asRuntimeException());
                return;
            }
            try {
                Optional<AssetVersion> version = request.getAlias().isEmpty()
                        ? assets.read(attempt, request.getAssetName(), request.getVersion())
                        : aliases.read(attempt, request.getAssetName(), request.getAlias());
                answer(version, v -> GetAssetVersionResponse.newBuilder().setAssetName(v.assetName())
                        .setVersion(v.version()).setMetadataJson(v.metadataJson()).setDagId(v.dagId())
                        .setRunId(v.runId()).setTaskId(v.taskId()).setCreatedAtMs(v.createdAt().toEpochMilli())
                        .setFingerprint(v.fingerprint() == null ? "" : v.fingerprint()).build(), response);
            } catch (UnknownAssetException e) {
                response.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
            }
        });
    }

    @Override
    public void moveAssetAlias(MoveAssetAliasRequest request, StreamObserver<MoveAssetAliasResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> {
            if (request.getAssetName().isBlank() || request.getAlias().isBlank() || request.getToVersion() < 1) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("asset_name (e.g. \"model://churn\"),"
                        + " alias (e.g. \"production\") and to_version (a version number) are required")
                        .asRuntimeException());
                return;
            }
            try {
                Optional<AliasMove> moved = aliases.move(attempt, request.getAssetName(), request.getAlias(),
                        request.getToVersion(), request.getMoveFromAny() ? null : request.getExpectedFromVersion(),
                        request.getReason());
                if (moved.isEmpty()) {
                    answer(ReportOutcome.STALE, null, response);
                    return;
                }
                response.onNext(MoveAssetAliasResponse.newBuilder().setFromVersion(moved.get().fromVersion())
                        .setToVersion(moved.get().toVersion()).build());
                response.onCompleted();
            } catch (InvalidAssetCallException | IllegalArgumentException e) {
                response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            } catch (UnknownAssetException e) {
                response.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
            } catch (AliasConflictException e) {
                response.onError(Status.ABORTED.withDescription(e.getMessage()).asRuntimeException());
            }
        });
    }

    @Override
    public void getConnection(GetConnectionRequest request, StreamObserver<GetConnectionResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> connections.connection(request, response));
    }

    @Override
    public void getVariable(GetVariableRequest request, StreamObserver<GetVariableResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> connections.variable(request, response));
    }

    @Override
    public void claimRunCallbacks(ClaimRunCallbacksRequest request, StreamObserver<ClaimRunCallbacksResponse> response) {
        runCallbacks.claim(request, response);
    }

    @Override
    public void reportRunCallback(ReportRunCallbackRequest request, StreamObserver<ReportRunCallbackResponse> response) {
        runCallbacks.report(request, response);
    }

    private static <T> void answer(Optional<AssetVersion> version, Function<AssetVersion, T> toResponse,
                                   StreamObserver<T> response) {
        if (version.isEmpty()) {
            answer(ReportOutcome.STALE, null, response);
            return;
        }
        response.onNext(toResponse.apply(version.get()));
        response.onCompleted();
    }

    @Override
    public void recordLlmUsage(RecordLlmUsageRequest request, StreamObserver<RecordLlmUsageResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> {
            String outcome = request.getOutcome().isEmpty() ? "success" : request.getOutcome();
            if (!LlmCallRecord.OUTCOMES.contains(outcome) || request.getProvider().isBlank()
                    || request.getModel().isBlank()) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("an LLM call needs provider and model, and"
                        + " an outcome among " + LlmCallRecord.OUTCOMES.stream().sorted().toList() + "; got outcome '"
                        + outcome + "'").asRuntimeException());
                return;
            }
            // Recorded whether or not the attempt is still current: the call was paid for either way.
            if (!tasks.exists(attempt)) {
                response.onError(unknownTaskInstance(attempt));
                return;
            }
            llm.usage().record(attempt, new LlmCallRecord(null, 0, attempt.attempt(), request.getProvider(),
                    request.getModel(), request.getInputTokens(), request.getOutputTokens(),
                    request.getCostMicroUsd(), request.getLatencyMs(), outcome, request.getChoiceReasons(),
                    request.getCallHash(), outcome.equals("success") && !request.getResponseJson().isEmpty()
                    ? request.getResponseJson() : null,
                    request.getError().isEmpty() ? null : tasks.scrubbed(attempt, request.getError()),
                    clock.instant(), request.getDevice().isEmpty() ? null : request.getDevice()));
            llm.meters().recorded(request.getProvider(), request.getModel(), outcome, request.getInputTokens(),
                    request.getOutputTokens(), request.getCostMicroUsd(), request.getEmbeddedTexts());
            response.onNext(RecordLlmUsageResponse.getDefaultInstance());
            response.onCompleted();
        });
    }

    @Override
    public void getLlmCatalog(GetLlmCatalogRequest request, StreamObserver<GetLlmCatalogResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> {
            response.onNext(GetLlmCatalogResponse.newBuilder().setCatalogJson(llm.catalogJson()).build());
            response.onCompleted();
        });
    }

    @Override
    public void prepareLlmCall(PrepareLlmCallRequest request, StreamObserver<PrepareLlmCallResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> {
            var replay = request.getCallHash().isEmpty() ? java.util.Optional.<String>empty()
                    : llm.usage().replay(attempt, request.getCallHash());
            response.onNext(PrepareLlmCallResponse.newBuilder().setReplayFound(replay.isPresent())
                    .setResponseJson(replay.orElse("")).setRunSpentMicroUsd(llm.usage().runSpentMicroUsd(attempt))
                    .build());
            response.onCompleted();
        });
    }

    @Override
    public void deferTask(DeferTaskRequest request, StreamObserver<DeferTaskResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt -> {
            ReportOutcome outcome;
            try {
                outcome = deferred.defer(attempt, request.getTrigger(), request.getTriggerArgsJson(),
                        request.getTimeoutMs());
            } catch (InvalidTriggerException e) {
                response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
                return;
            }
            answer(outcome, DeferTaskResponse.getDefaultInstance(), response);
        });
    }

    @Override
    public void completeTask(CompleteTaskRequest request, StreamObserver<CompleteTaskResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt ->
                answer(tasks.complete(attempt, request.getOutputJson()), CompleteTaskResponse.getDefaultInstance(),
                        response));
    }

    @Override
    public void failTask(FailTaskRequest request, StreamObserver<FailTaskResponse> response) {
        withAttempt(request.getTaskToken(), response, attempt ->
                answer(request.getWorkerShutdown()
                                ? tasks.requeueAfterWorkerShutdown(attempt, request.getError())
                                : tasks.fail(attempt, request.getError(), request.getNoRetry()),
                        FailTaskResponse.getDefaultInstance(), response));
    }

    private interface AttemptCall {
        void run(TaskAttempt attempt);
    }

    private void withAttempt(String token, StreamObserver<?> response, AttemptCall call) {
        TaskAttempt attempt;
        try {
            attempt = tokens.verify(token);
        } catch (TaskTokens.InvalidTaskTokenException e) {
            response.onError(Status.PERMISSION_DENIED.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        try {
            call.run(attempt);
        } catch (RuntimeException e) {
            response.onError(failure(e));
        }
    }

    /** A database outage is UNAVAILABLE, which workers retry; anything else is a server bug. */
    private static RuntimeException failure(RuntimeException e) {
        if (DatabaseOutage.isOutage(e)) {
            return Status.UNAVAILABLE.withDescription(DatabaseOutage.ADVICE).withCause(e).asRuntimeException();
        }
        // The cause (SQL, stack) stays in the server's log; the worker learns only that it was the server.
        LoggerFactory.getLogger(TaskExecutionGrpcService.class).error("A TEI call failed", e);
        return Status.INTERNAL.withDescription("the server could not record the call; the cause is in"
                + " the server's log").asRuntimeException();
    }

    private static RuntimeException unknownTaskInstance(TaskAttempt attempt) {
        return Status.NOT_FOUND.withDescription("task instance " + attempt.taskInstanceId() + " does not exist (its"
                + " run may have been deleted); nothing was recorded").asRuntimeException();
    }

    private static <T> void answer(ReportOutcome outcome, T ok, StreamObserver<T> response) {
        if (outcome == ReportOutcome.STALE) {
            response.onError(Status.FAILED_PRECONDITION.withDescription(
                    "this attempt is no longer current (it was retried, timed out or cancelled); nothing was changed")
                    .asRuntimeException());
            return;
        }
        response.onNext(ok);
        response.onCompleted();
    }

    @Override
    public void close() {
        dispatcher.close();
    }
}
