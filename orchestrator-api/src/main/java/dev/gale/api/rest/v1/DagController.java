package dev.gale.api.rest.v1;

import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.UnknownDagException;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/dags}: the DAGs Gale knows. */
@RestController
@RequestMapping("/api/v1/dags")
class DagController {
    private final DagService dags;

    DagController(DagService dags) {
        this.dags = dags;
    }

    @GetMapping
    Map<String, Object> list() {
        List<DagResponse> all = dags.list().stream().map(DagResponse::of).toList();
        return Map.of("dags", all, "totalEntries", all.size());
    }

    @GetMapping("/{dagId}")
    DagResponse get(@PathVariable String dagId) {
        return dags.find(dagId).map(DagResponse::of).orElseThrow(() -> new UnknownDagException(dagId));
    }
}
