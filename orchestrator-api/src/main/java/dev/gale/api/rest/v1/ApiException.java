package dev.gale.api.rest.v1;

import org.springframework.http.HttpStatus;

/** A request the API refuses, with what a person needs to fix it. Rendered as problem+json. */
public class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String type;
    private final String title;

    public ApiException(HttpStatus status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public static ApiException badRequest(String type, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, type, "Bad request", detail);
    }

    public static ApiException notFound(String type, String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, type, "Not found", detail);
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
}
