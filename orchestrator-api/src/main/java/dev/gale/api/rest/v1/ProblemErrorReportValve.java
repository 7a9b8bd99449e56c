package dev.gale.api.rest.v1;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's own refusals (a malformed URL: an encoded {@code /} or {@code \}, a bad {@code %} escape, a NUL)
 * happen before any Spring code runs; this renders them as problem+json instead of Tomcat's HTML page.
 * Public with a no-argument constructor because Tomcat creates it by class name.
 */
public class ProblemErrorReportValve extends ErrorReportValve {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", Problems.type(known == null ? "error-" + status : ErrorEndpoint.slug(known)).toString());
        problem.put("title", known == null ? "Error " + status : known.getReasonPhrase());
        problem.put("status", status);
        problem.put("detail", status == 400
                ? "The request line is malformed: the URL may hold an encoded '/' or '\\', a NUL or a bad %-escape."
                + " Encode path segments with percent-encoding of UTF-8 and keep '/' unencoded."
                : status >= 500 ? "The server failed to answer; the cause is in its log." : "The request was refused.");
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(problem));
                response.finishResponse();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
