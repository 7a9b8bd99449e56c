package dev.gale.api.rest.v1;

import dev.gale.api.security.Role;
import dev.gale.scheduler.service.DagPage;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.DagSummary;
import dev.gale.scheduler.service.UnknownDagException;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/dags}: the DAGs Gale knows, their versions, and pausing them. */
@RestController
@RequestMapping("/api/v1/dags")
class DagController {
    private final DagService dags;

    DagController(DagService dags) {
        this.dags = dags;
    }

    /** The change PATCH accepts: only whether the DAG is paused. */
    record DagPatch(Boolean isPaused) {
    }

    record DagListResponse(List<DagResponse> dags, int totalEntries) {
    }

    record DagVersionListResponse(List<DagVersionResponse> versions) {
    }

    @Operation(summary = "List DAGs", description = "Ordered by DAG id; filter by tag and by paused.")
    @GetMapping
    DagListResponse list(@RequestParam(name = "tag", required = false) String tag,
                         @RequestParam(name = "paused", required = false) Boolean paused,
                         @RequestParam(name = "limit", required = false) Integer limit,
                         @RequestParam(name = "offset", required = false) Integer offset) {
        DagPage page = dags.list(tag, paused, Paging.limit(limit), Paging.offset(offset));
        return new DagListResponse(page.dags().stream().map(DagResponse::of).toList(), page.totalEntries());
    }

    @Operation(summary = "Get a DAG: its task graph, params schema and current version")
    @GetMapping("/{dagId}")
    DagResponse get(@PathVariable String dagId) {
        return dags.find(dagId).map(DagResponse::of).orElseThrow(() -> new UnknownDagException(dagId));
    }

    @Operation(summary = "List a DAG's versions, newest first")
    @GetMapping("/{dagId}/versions")
    DagVersionListResponse versions(@PathVariable String dagId) {
        int current = dags.find(dagId).orElseThrow(() -> new UnknownDagException(dagId))
                .currentVersion().versionNumber();
        return new DagVersionListResponse(dags.versions(dagId).stream()
                .map(v -> DagVersionResponse.of(v, v.versionNumber() == current)).toList());
    }

    @Operation(summary = "Pause or unpause a DAG", description = "A paused DAG starts no runs (a trigger is 409);"
            + " runs already started go on.")
    @PatchMapping("/{dagId}")
    @RequiresRole(Role.ADMIN)
    @Audited("dag.set-paused")
    DagResponse patch(@PathVariable String dagId, @RequestBody DagPatch patch) {
        if (patch.isPaused() == null) {
            throw ApiException.invalid("invalid-body", List.of(new ApiException.FieldError("isPaused",
                    "is required: true to pause the DAG, false to unpause it")));
        }
        DagSummary dag = dags.setPaused(dagId, patch.isPaused());
        return DagResponse.of(dag);
    }
}
