package dev.gale.api.config;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.jooq.exception.DataException;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A value PostgreSQL refused as data (SQLSTATE class 22: out of range, not text it can keep) that no check
 * before it caught: still the client's value, so a 400, and never the SQL in the answer. Here rather than in
 * the REST adapter, which knows nothing of jOOQ; first, so that the catch-all for server faults does not win.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class UnstorableValueProblems {

    @ExceptionHandler(DataException.class)
    ResponseEntity<ProblemDetail> unstorable(DataException e, HttpServletRequest request) {
        LoggerFactory.getLogger(UnstorableValueProblems.class).warn("{} {}: the database refused a value of the"
                + " request: {}", request.getMethod(), request.getRequestURI(),
                e.getCause() == null ? "" : e.getCause().getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "A value in the request is"
                + " out of the range the database stores, or is not text it can keep (a NUL character, an instant"
                + " past the year 9999). Check the request's strings, numbers and instants.");
        problem.setType(URI.create("urn:gale:problem:unstorable-value"));
        problem.setTitle("A value cannot be stored");
        return ResponseEntity.badRequest().body(problem);
    }
}
