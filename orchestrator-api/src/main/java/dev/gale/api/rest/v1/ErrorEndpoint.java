package dev.gale.api.rest.v1;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /error}, where the servlet container forwards what failed outside Spring MVC's handlers (a
 * method Tomcat refuses, such as TRACE): answered as problem+json like every other error. Reached
 * directly, it is a 404; a server fault says nothing of its cause, which is in the server's log.
 */
@RestController
class ErrorEndpoint implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        HttpStatus status = code instanceof Integer c && HttpStatus.resolve(c) != null && c >= 400
                ? HttpStatus.valueOf(c) : HttpStatus.NOT_FOUND;
        String detail = switch (status) {
            case NOT_FOUND -> "There is nothing at this path. The API is under /api/v1 (see /api/v1/docs).";
            case METHOD_NOT_ALLOWED -> "The request's method is not allowed here (TRACE never is).";
            case BAD_REQUEST -> "The request is malformed.";
            default -> status.is5xxServerError() ? "The server failed to answer; the cause is in its log."
                    : status.getReasonPhrase() + ".";
        };
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(Problems.type(slug(status)));
        problem.setTitle(status.getReasonPhrase());
        if (uri instanceof String path) {
            problem.setInstance(URI.create(path.replaceAll("[^A-Za-z0-9/._~-]", "_")));
        }
        return ResponseEntity.status(status).body(problem);
    }

    static String slug(HttpStatus status) {
        return status.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
