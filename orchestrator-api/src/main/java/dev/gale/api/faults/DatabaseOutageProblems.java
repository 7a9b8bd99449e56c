package dev.gale.api.faults;

import java.net.URI;
import org.jooq.exception.DataAccessException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A REST request that met a database outage is 503 with {@code Retry-After}: every write is one
 * transaction, so it changed nothing, and the same request can be sent again. It lives beside
 * {@link DatabaseOutage} rather than with the REST adapters, which know nothing of the database.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class DatabaseOutageProblems {
    static final String RETRY_AFTER_SECONDS = "5";

    @ExceptionHandler(DataAccessException.class)
    ResponseEntity<ProblemDetail> databaseError(DataAccessException e) {
        if (!DatabaseOutage.isOutage(e)) {
            throw e;
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "The database is unreachable for now (restarting, or a connection was lost); nothing was changed."
                        + " Send the same request again in a few seconds.");
        problem.setType(URI.create("urn:gale:problem:database-unavailable"));
        problem.setTitle("Database unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER,
                RETRY_AFTER_SECONDS).body(problem);
    }
}
