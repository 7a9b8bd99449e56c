package dev.gale.api.rest.v1;

import dev.gale.api.security.Role;
import dev.gale.scheduler.service.PoolView;
import dev.gale.scheduler.service.Pools;
import dev.gale.scheduler.service.RunStateConflictException;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/pools}: pools, their slots and what uses them; created, resized and deleted at run time. */
@RestController
@RequestMapping("/api/v1/pools")
class PoolController {
    private final Pools pools;

    PoolController(Pools pools) {
        this.pools = pools;
    }

    /** {@code usedSlots} can exceed {@code running + queued}: a task may take several slots (its poolSlots). */
    record PoolResponse(String name, int slots, String description, int running, int queued, int scheduled,
                        int usedSlots, int openSlots) {
        static PoolResponse of(PoolView p) {
            return new PoolResponse(p.name(), p.slots(), p.description(), p.running(), p.queued(), p.scheduled(),
                    p.usedSlots(), p.openSlots());
        }
    }

    record PoolListResponse(List<PoolResponse> pools) {
    }

    @Operation(summary = "List pools", description = "Each with its slots, the task instances running and queued in"
            + " it (holding slots) and scheduled (waiting for one).")
    @GetMapping
    PoolListResponse list() {
        return new PoolListResponse(pools.list().stream().map(PoolResponse::of).toList());
    }

    @GetMapping("/{name}")
    PoolResponse get(@PathVariable String name) {
        return pools.find(name).map(PoolResponse::of).orElseThrow(() -> unknown(name));
    }

    @Operation(summary = "Create or resize a pool", description = "Body: slots (0 or more; 0 holds every task of the"
            + " pool) and an optional description. A resize applies to waiting task instances at once.")
    @PutMapping("/{name}")
    @RequiresRole(Role.ADMIN)
    PoolResponse put(@PathVariable String name, @RequestBody(required = false) JsonNode body) {
        JsonNode slots = body == null ? null : body.get("slots");
        if (slots == null || !slots.isInt()) {
            throw ApiException.invalid("invalid-pool", List.of(new ApiException.FieldError("slots",
                    "is required: a whole number of slots, 0 or more")));
        }
        JsonNode description = body.get("description");
        try {
            return PoolResponse.of(pools.put(name, slots.asInt(),
                    description == null || description.isNull() ? null : description.asString()));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-pool", "Invalid pool", e.getMessage());
        }
    }

    @Operation(summary = "Delete a pool", description = "409 while task instances naming it wait, queue or run.")
    @DeleteMapping("/{name}")
    @RequiresRole(Role.ADMIN)
    ResponseEntity<Void> delete(@PathVariable String name) {
        try {
            if (!pools.delete(name)) {
                throw unknown(name);
            }
        } catch (RunStateConflictException e) {
            throw ApiException.conflict("pool-in-use", "Pool is in use", e.getMessage());
        }
        return ResponseEntity.noContent().build();
    }

    private static ApiException unknown(String name) {
        return ApiException.notFound("unknown-pool", "there is no pool '" + name + "'; GET /api/v1/pools lists them");
    }
}
