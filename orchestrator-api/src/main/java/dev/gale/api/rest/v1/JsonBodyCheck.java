package dev.gale.api.rest.v1;

import dev.gale.api.security.UnsafeText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.List;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.core.JacksonException;

/**
 * Looks through every JSON request body, before it is bound, for strings Gale cannot keep as sent
 * ({@link UnsafeText}) and refuses the request naming each such field. A body that is not JSON at all is
 * left to the converter, which says so.
 */
@ControllerAdvice
class JsonBodyCheck extends RequestBodyAdviceAdapter {
    /** Enough to fix a request by; a body with thousands of bad strings need not be answered with each. */
    private static final int MAX_ERRORS = 20;

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
                            Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public HttpInputMessage beforeBodyRead(HttpInputMessage message, MethodParameter parameter, Type targetType,
                                           Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
        byte[] body = message.getBody().readAllBytes();
        List<ApiException.FieldError> errors = problems(body);
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid-text", errors);
        }
        return new HttpInputMessage() {
            @Override
            public InputStream getBody() {
                return new ByteArrayInputStream(body);
            }

            @Override
            public HttpHeaders getHeaders() {
                return message.getHeaders();
            }
        };
    }

    static List<ApiException.FieldError> problems(byte[] body) {
        try {
            return UnsafeText.inJson(body).stream().limit(MAX_ERRORS).map(f -> new ApiException.FieldError(field(f.pointer()),
                    f.propertyName() ? "(a property name) " + f.problem() : f.problem())).toList();
        } catch (JacksonException e) {
            // Not JSON: the message converter refuses it with its own, more specific message.
            return List.of();
        }
    }

    /**
     * {@code /conf/name} as {@code conf.name}, the way the API names fields elsewhere; a name that is itself
     * unsafe is shown with U+FFFD in place of what could not be kept.
     */
    private static String field(String pointer) {
        if (pointer.isEmpty()) {
            return "body";
        }
        String dotted = pointer.startsWith("/") ? pointer.substring(1).replace('/', '.') : pointer;
        StringBuilder safe = new StringBuilder(dotted.length());
        for (int i = 0; i < dotted.length(); i++) {
            char c = dotted.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < dotted.length()
                    && Character.isLowSurrogate(dotted.charAt(i + 1));
            if (pair) {
                safe.append(c).append(dotted.charAt(++i));
            } else {
                safe.append(c == '\u0000' || Character.isSurrogate(c) ? '\ufffd' : c);
            }
        }
        return safe.toString();
    }
}
