package dev.gale.api.rest.v1;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code /api/v1/events}: live state changes as server-sent events, fed by the database's
 * notifications rather than by polling. An event says which run changed; the client reads the run
 * through the REST API. The stream ends after {@link #STREAM_LIFETIME}; clients reconnect.
 */
@RestController
@RequestMapping("/api/v1/events")
class EventController {
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    static final Duration STREAM_LIFETIME = Duration.ofMinutes(30);

    private final RunChanges changes;

    EventController(RunChanges changes) {
        this.changes = changes;
    }

    @Operation(summary = "Stream run state changes (server-sent events)",
            description = "text/event-stream. Event 'run' with data {\"dagId\", \"runId\"} each time a run or one of"
                    + " its task instances changes state (repeated changes of one run are folded); event 'resync'"
                    + " when changes were dropped because the client read too slowly: reload what you show. A comment"
                    + " line every 15 s keeps proxies from closing the stream. Filter by dagId and runId.",
            responses = @ApiResponse(responseCode = "200", content = @Content(mediaType = "text/event-stream",
                    schema = @Schema(type = "string"))))
    @GetMapping(produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@RequestParam(name = "dagId", required = false) String dagId,
                      @RequestParam(name = "runId", required = false) String runId) {
        SseEmitter emitter = new SseEmitter(STREAM_LIFETIME.toMillis());
        RunChanges.Subscriber subscriber = changes.subscribe(blankToNull(dagId), blankToNull(runId));
        Thread writer = Thread.ofVirtual().name("gale-sse").unstarted(() -> stream(emitter, subscriber));
        emitter.onCompletion(() -> {
            subscriber.close();
            writer.interrupt();
        });
        emitter.onTimeout(emitter::complete);
        emitter.onError(e -> emitter.complete());
        writer.start();
        return emitter;
    }

    /** Open streams end when the server starts to shut down; otherwise a graceful shutdown would wait for them. */
    @EventListener(ContextClosedEvent.class)
    void endStreams() {
        changes.closeAll();
    }

    private static void stream(SseEmitter emitter, RunChanges.Subscriber subscriber) {
        try (subscriber) {
            emitter.send(SseEmitter.event().comment("connected"));
            while (!subscriber.ended()) {
                List<RunChanges.Change> next = subscriber.next(HEARTBEAT);
                if (next == null) {
                    emitter.send(SseEmitter.event().name("resync").data(Map.of()));
                } else if (next.isEmpty() && !subscriber.ended()) {
                    emitter.send(SseEmitter.event().comment("heartbeat"));
                }
                for (RunChanges.Change change : next == null ? List.<RunChanges.Change>of() : next) {
                    emitter.send(SseEmitter.event().name("run")
                            .data(Map.of("dagId", change.dagId(), "runId", change.runId()), MediaType.APPLICATION_JSON));
                }
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            // The client went away or the stream timed out; nothing is left to send to.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
