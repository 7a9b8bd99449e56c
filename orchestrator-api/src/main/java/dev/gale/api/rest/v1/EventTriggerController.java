package dev.gale.api.rest.v1;

import dev.gale.scheduler.kafka.EventTriggerStatus;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.DagSummary;
import dev.gale.scheduler.service.UnknownDagException;
import dev.gale.sdk.spec.KafkaTriggerSpec;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Where each event-triggered DAG stands on its Kafka topic: partitions, committed offsets and lag. */
@RestController
@RequestMapping("/api/v1")
class EventTriggerController {
    private final DagService dags;
    private final ObjectProvider<EventTriggerStatus> status;

    EventTriggerController(DagService dags, ObjectProvider<EventTriggerStatus> status) {
        this.dags = dags;
        this.status = status;
    }

    record EventTriggerListResponse(List<EventTriggerStatus.TopicStatus> eventTriggers, int totalEntries) {
    }

    @Operation(summary = "List the event-triggered DAGs", description = "Every DAG scheduled on a Kafka topic, with"
            + " per partition its end offset, the offset committed after the last successful run, the lag between"
            + " them, the consumer that owns it now, and the records and dead letters counted so far. 503 when Kafka"
            + " is not configured (GALE_KAFKA_BOOTSTRAP) or does not answer.")
    @GetMapping("/event-triggers")
    EventTriggerListResponse list() {
        EventTriggerStatus kafka = kafka();
        List<EventTriggerStatus.TopicStatus> all = dags.list(null, null, 10_000, 0).dags().stream()
                .filter(d -> trigger(d) != null)
                .map(d -> status(kafka, d.dagId(), trigger(d))).toList();
        return new EventTriggerListResponse(all, all.size());
    }

    @Operation(summary = "Show one DAG's Kafka topic", description = "The topic, consumer group and dead-letter topic"
            + " of an event-triggered DAG, and per partition its end offset, committed offset, lag and owner. 404 when"
            + " the DAG is not scheduled on a topic.")
    @GetMapping("/dags/{dagId}/event-trigger")
    EventTriggerStatus.TopicStatus show(@PathVariable String dagId) {
        DagSummary dag = dags.find(dagId).orElseThrow(() -> new UnknownDagException(dagId));
        KafkaTriggerSpec trigger = trigger(dag);
        if (trigger == null) {
            throw ApiException.notFound("not-event-triggered", "DAG '" + dagId + "' is not scheduled on a Kafka topic;"
                    + " GET /api/v1/event-triggers lists the DAGs that are");
        }
        return status(kafka(), dagId, trigger);
    }

    private static KafkaTriggerSpec trigger(DagSummary dag) {
        var schedule = dag.currentVersion().spec().schedule();
        return schedule == null ? null : schedule.kafka();
    }

    private EventTriggerStatus kafka() {
        EventTriggerStatus kafka = status.getIfAvailable();
        if (kafka == null) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "kafka-not-configured", "Kafka not configured",
                    "This server has no Kafka to ask: set GALE_KAFKA_BOOTSTRAP (e.g. localhost:9092), or start"
                            + " standalone with --kafka");
        }
        return kafka;
    }

    private static EventTriggerStatus.TopicStatus status(EventTriggerStatus kafka, String dagId,
                                                         KafkaTriggerSpec trigger) {
        try {
            return kafka.status(dagId, trigger);
        } catch (EventTriggerStatus.KafkaUnavailableException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "kafka-unavailable", "Kafka unavailable",
                    e.getMessage());
        }
    }
}
