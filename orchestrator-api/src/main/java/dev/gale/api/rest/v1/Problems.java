package dev.gale.api.rest.v1;

import dev.gale.api.faults.DatabaseOutage;
import dev.gale.assets.UnknownAssetException;
import dev.gale.scheduler.service.DagPausedException;
import dev.gale.scheduler.service.IdempotencyConflictException;
import dev.gale.scheduler.service.InvalidConfException;
import dev.gale.scheduler.service.RunStateConflictException;
import dev.gale.scheduler.service.UnknownDagException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.databind.DatabindException;

/** Turns every refused request into RFC 9457 {@code application/problem+json} with an actionable detail. */
@RestControllerAdvice
class Problems extends ResponseEntityExceptionHandler {

    static URI type(String slug) {
        return URI.create("urn:gale:problem:" + slug);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(slug));
        problem.setTitle(title);
        return ResponseEntity.status(status).body(problem);
    }

    @ExceptionHandler(ApiException.class)
    static ResponseEntity<ProblemDetail> api(ApiException e) {
        ResponseEntity<ProblemDetail> response = problem(e.status(), e.type(), e.title(), e.getMessage());
        if (!e.errors().isEmpty()) {
            response.getBody().setProperty("errors", e.errors().stream()
                    .map(v -> Map.of("field", v.field(), "message", v.message())).toList());
        }
        return response;
    }

    @ExceptionHandler(UnknownDagException.class)
    ResponseEntity<ProblemDetail> unknownDag(UnknownDagException e) {
        return problem(HttpStatus.NOT_FOUND, "unknown-dag", "Unknown DAG", e.getMessage());
    }

    @ExceptionHandler(UnknownAssetException.class)
    ResponseEntity<ProblemDetail> unknownAsset(UnknownAssetException e) {
        return problem(HttpStatus.NOT_FOUND, "unknown-asset", "Unknown asset or version", e.getMessage());
    }

    @ExceptionHandler(DagPausedException.class)
    ResponseEntity<ProblemDetail> dagPaused(DagPausedException e) {
        return problem(HttpStatus.CONFLICT, "dag-paused", "DAG is paused", e.getMessage());
    }

    @ExceptionHandler(IdempotencyConflictException.class)
    ResponseEntity<ProblemDetail> idempotencyConflict(IdempotencyConflictException e) {
        return problem(HttpStatus.CONFLICT, "idempotency-key-reused", "Idempotency-Key reused", e.getMessage());
    }

    @ExceptionHandler(RunStateConflictException.class)
    ResponseEntity<ProblemDetail> runState(RunStateConflictException e) {
        return problem(HttpStatus.CONFLICT, "run-state", "Not possible in the run's state", e.getMessage());
    }

    @ExceptionHandler(InvalidConfException.class)
    ResponseEntity<ProblemDetail> invalidConf(InvalidConfException e) {
        ResponseEntity<ProblemDetail> response = problem(HttpStatus.BAD_REQUEST, "invalid-conf",
                "conf does not match the DAG's params", e.getMessage());
        List<Map<String, String>> errors = e.violations().stream()
                .map(v -> Map.of("field", "conf." + v.field(), "message", v.message()))
                .toList();
        response.getBody().setProperty("errors", errors);
        return response;
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestBodyLimitFilter.BodyTooLargeException tooLarge) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).headers(headers).body(problem(
                        HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "Request body too large",
                        tooLarge.getMessage()).getBody());
            }
        }
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof DatabindException wrongType && !wrongType.getPath().isEmpty()) {
                return ResponseEntity.badRequest().headers(headers).body(wrongType(wrongType).getBody());
            }
        }
        Throwable cause = ex.getMostSpecificCause();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The request body is not valid JSON (" + firstLine(cause.getMessage()) + "). Send a JSON object,"
                        + " for example {\"conf\": {\"name\": \"Ada\"}}.");
        problem.setType(type("malformed-json"));
        problem.setTitle("Malformed JSON");
        return ResponseEntity.badRequest().headers(headers).body(problem);
    }

    /** Spring's own problems (405, 415, a parameter of the wrong type...) get a Gale type instead of about:blank. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem
                && (problem.getType() == null || URI.create("about:blank").equals(problem.getType()))) {
            HttpStatus status = HttpStatus.resolve(statusCode.value());
            String reason = status == null ? "error-" + statusCode.value() : status.name();
            problem.setType(type(reason.toLowerCase(Locale.ROOT).replace('_', '-')));
        }
        return response;
    }

    /**
     * A JSON value of the wrong type for its field ({@code {"isPaused": 1}}): no value is coerced, and the
     * refusal names the field without echoing the value, which may be a secret.
     */
    private static ResponseEntity<ProblemDetail> wrongType(DatabindException e) {
        String field = String.join(".", e.getPath().stream()
                .map(r -> r.getPropertyName() != null ? r.getPropertyName() : String.valueOf(r.getIndex())).toList());
        return api(ApiException.invalid("invalid-body", List.of(new ApiException.FieldError(field,
                "has the wrong type or shape; values are not converted (send true, not 1 or \"true\")"))));
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> multipart(MultipartException e) {
        return problem(HttpStatus.BAD_REQUEST, "malformed-multipart", "Malformed multipart body", "The multipart body"
                + " cannot be read; this API reads JSON bodies (Content-Type: application/json).");
    }

    /**
     * A fault of the server: problem+json like every answer, with nothing of its cause (which is in the log).
     * A database outage goes on to {@code DatabaseOutageFilter}, which answers 503 with Retry-After.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) throws Exception {
        if (e instanceof org.springframework.web.ErrorResponse || DatabaseOutage.isOutage(e)) {
            throw e;
        }
        LoggerFactory.getLogger(Problems.class).error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal Server Error",
                "The server failed to answer this request; the cause is in its log.");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable body";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
