package dev.gale.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The REST API as the CLI uses it. A problem+json answer becomes a {@link CliException} with its detail. */
final class GaleClient {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final String token;
    private final HttpClient http;

    /** An answer: its status and JSON body. */
    record Answer(int status, JsonNode body) {
    }

    GaleClient(String baseUrl, String token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.http = httpClient(this.baseUrl);
    }

    /**
     * The JDK's client. For a plain-HTTP server it gets a TLS context that is never initialised: the default
     * one reads the JDK's trust store and sets up every cipher, a fifth of a short command's time.
     */
    private static HttpClient httpClient(String baseUrl) {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (baseUrl.regionMatches(true, 0, "http:", 0, 5)) {
            try {
                http.sslContext(SSLContext.getInstance("TLS")).sslParameters(new SSLParameters());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JDK has no TLS", e);
            }
        }
        return http.build();
    }

    Answer get(String path) {
        return send(request(path).GET());
    }

    Answer post(String path, String jsonBody, Map<String, String> headers) {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody));
        headers.forEach(request::header);
        return send(request);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String pretty(JsonNode node) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }

    static String compact(JsonNode node) {
        return JSON.writeValueAsString(node);
    }

    static JsonNode parse(String json, String what) {
        try {
            return JSON.readTree(json);
        } catch (RuntimeException e) {
            throw new CliException(what + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Accept",
                "application/json, application/problem+json");
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private Answer send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliException("cannot reach Gale at " + baseUrl + " (is it running? set --url or GALE_URL)");
        } catch (IOException e) {
            throw new CliException("talking to Gale at " + baseUrl + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : parse(response.body(), "the answer");
        if (response.statusCode() >= 400) {
            String detail = body.path("detail").asString(response.body());
            String hint = response.statusCode() == 401 && token == null ? " (set --token or GALE_TOKEN)" : "";
            throw new CliException(response.statusCode() + " " + body.path("title").asString("") + ": " + detail
                    + hint);
        }
        return new Answer(response.statusCode(), body);
    }
}
