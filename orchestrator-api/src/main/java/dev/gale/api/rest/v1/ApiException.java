package dev.gale.api.rest.v1;

import java.util.List;
import org.springframework.http.HttpStatus;

/** A request the API refuses, with what a person needs to fix it. Rendered as problem+json. */
public class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String type;
    private final String title;
    private final List<FieldError> errors;

    /** What is wrong with one field of a request. */
    public record FieldError(String field, String message) {
    }

    public ApiException(HttpStatus status, String type, String title, String detail) {
        this(status, type, title, detail, List.of());
    }

    private ApiException(HttpStatus status, String type, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static ApiException badRequest(String type, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, type, "Bad request", detail);
    }

    /** A 400 that lists every field that is wrong, so a client can fix them all at once. */
    public static ApiException invalid(String type, List<FieldError> errors) {
        String detail = "The request has " + errors.size() + (errors.size() == 1 ? " problem: " : " problems: ")
                + String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList());
        return new ApiException(HttpStatus.BAD_REQUEST, type, "Invalid request", detail, errors);
    }

    public static ApiException notFound(String type, String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, type, "Not found", detail);
    }

    public static ApiException conflict(String type, String detail) {
        return new ApiException(HttpStatus.CONFLICT, type, "Conflict", detail);
    }

    /** A 400 whose title names what was refused, for a client that shows only the title. */
    public static ApiException badRequest(String type, String title, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, type, title, detail);
    }

    /** A 409 whose title names what was refused, for a client that shows only the title. */
    public static ApiException conflict(String type, String title, String detail) {
        return new ApiException(HttpStatus.CONFLICT, type, title, detail);
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
