package dev.gale.api.rest.v1;

import dev.gale.api.security.ApiPrincipal;
import dev.gale.api.security.Role;
import dev.gale.assets.AliasConflictException;
import dev.gale.assets.AliasMove;
import dev.gale.assets.AliasMoveRequest;
import dev.gale.assets.AssetAlias;
import dev.gale.assets.AssetAliases;
import dev.gale.scheduler.service.AssetService;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/assets/{assetId}/aliases}: named pointers such as {@code production} and their history of moves. */
@RestController
@RequestMapping("/api/v1/assets/{assetId}/aliases")
class AssetAliasController {
    private final AssetService assets;
    private final AssetAliases aliases;

    AssetAliasController(AssetService assets, AssetAliases aliases) {
        this.assets = assets;
        this.aliases = aliases;
    }

    record AliasResponse(String alias, int version, String movedBy, Instant movedAt) {
        static AliasResponse of(AssetAlias a) {
            return new AliasResponse(a.alias(), a.version(), a.movedBy(), a.movedAt());
        }
    }

    record AliasListResponse(List<AliasResponse> aliases) {
    }

    record MoveResponse(String alias, int fromVersion, int toVersion, String movedBy, String reason, Instant movedAt) {
        static MoveResponse of(AliasMove m) {
            return new MoveResponse(m.alias(), m.fromVersion(), m.toVersion(), m.movedBy(), m.reason(), m.movedAt());
        }
    }

    record HistoryResponse(String alias, List<MoveResponse> moves) {
    }

    @Operation(summary = "List an asset's aliases", description = "Each alias with the version it points at.")
    @GetMapping
    AliasListResponse list(@PathVariable long assetId) {
        String name = assets.asset(assetId).name();
        return new AliasListResponse(aliases.aliases(name).stream().map(AliasResponse::of).toList());
    }

    @Operation(summary = "An alias's history", description = "Every move, newest first: from which version to"
            + " which, by whom and why.")
    @GetMapping("/{alias}/history")
    HistoryResponse history(@PathVariable long assetId, @PathVariable String alias) {
        String name = assets.asset(assetId).name();
        return new HistoryResponse(alias, aliases.history(name, alias).stream().map(MoveResponse::of).toList());
    }

    @Operation(summary = "Move an alias", description = "Body {\"version\": 3, \"expectedVersion\": 2,"
            + " \"reason\": \"...\"}; with expectedVersion (0: the alias must be new) a 409 when the alias"
            + " points elsewhere meanwhile.")
    @PutMapping("/{alias}")
    @RequiresRole(Role.OPERATOR)
    MoveResponse move(@PathVariable long assetId, @PathVariable String alias,
                      @RequestBody(required = false) JsonNode body, HttpServletRequest request) {
        JsonNode version = body == null ? null : body.get("version");
        if (version == null || !version.isInt() || version.asInt() < 1) {
            throw ApiException.invalid("invalid-alias-move", List.of(new ApiException.FieldError("version",
                    "is required: the version number (1 or more) the alias should point at")));
        }
        JsonNode expected = body.get("expectedVersion");
        if (expected != null && !expected.isNull() && !expected.isInt()) {
            throw ApiException.invalid("invalid-alias-move", List.of(new ApiException.FieldError("expectedVersion",
                    "must be a version number, or 0 for an alias that does not exist yet")));
        }
        JsonNode reason = body.get("reason");
        String by = ((ApiPrincipal) request.getAttribute(ApiTokenFilter.PRINCIPAL)).tokenName();
        try {
            return MoveResponse.of(aliases.move(new AliasMoveRequest(assets.asset(assetId).name(), alias,
                    version.asInt(), expected == null || expected.isNull() ? null : expected.asInt(), by,
                    reason == null ? "" : reason.asString())));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-alias", e.getMessage());
        } catch (AliasConflictException e) {
            throw new ApiException(HttpStatus.CONFLICT, "alias-moved", "Alias moved meanwhile", e.getMessage());
        }
    }
}
