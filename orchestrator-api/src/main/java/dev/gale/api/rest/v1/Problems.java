package dev.gale.api.rest.v1;

import dev.gale.scheduler.service.InvalidConfException;
import dev.gale.scheduler.service.UnknownDagException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** Turns every refused request into RFC 9457 {@code application/problem+json} with an actionable detail. */
@RestControllerAdvice
class Problems extends ResponseEntityExceptionHandler {

    static URI type(String slug) {
        return URI.create("urn:gale:problem:" + slug);
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        problem.setType(type(e.type()));
        problem.setTitle(e.title());
        return ResponseEntity.status(e.status()).body(problem);
    }

    @ExceptionHandler(UnknownDagException.class)
    ResponseEntity<ProblemDetail> unknownDag(UnknownDagException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setType(type("unknown-dag"));
        problem.setTitle("Unknown DAG");
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }

    @ExceptionHandler(InvalidConfException.class)
    ResponseEntity<ProblemDetail> invalidConf(InvalidConfException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setType(type("invalid-conf"));
        problem.setTitle("conf does not match the DAG's params");
        List<Map<String, String>> errors = e.violations().stream()
                .map(v -> Map.of("field", "conf." + v.field(), "message", v.message()))
                .toList();
        problem.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        Throwable cause = ex.getMostSpecificCause();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The request body is not valid JSON (" + firstLine(cause.getMessage()) + "). Send a JSON object,"
                        + " for example {\"conf\": {\"name\": \"Ada\"}}.");
        problem.setType(type("malformed-json"));
        problem.setTitle("Malformed JSON");
        return ResponseEntity.badRequest().headers(headers).body(problem);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable body";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
