package dev.gale.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST API as the CLI uses it. A problem+json answer becomes a {@link CliException} with its detail.
 *
 * <p>One {@link HttpURLConnection} per request rather than {@code java.net.http.HttpClient}: a command makes one
 * or a few requests, and the HttpClient's selector thread, executor and TLS set-up cost more than the request
 * itself (about 0.3 s of a 0.7 s {@code gale dags list} on 2 cores).
 */
final class GaleClient {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final String baseUrl;
    private final String token;

    /** An answer: its status and JSON body. */
    record Answer(int status, JsonNode body) {
    }

    GaleClient(String baseUrl, String token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
    }

    Answer get(String path) {
        return send("GET", path, null, Map.of());
    }

    Answer post(String path, String jsonBody, Map<String, String> headers) {
        return send("POST", path, jsonBody, headers);
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

    private Answer send(String method, String path, String jsonBody, Map<String, String> headers) {
        int status;
        String text;
        try {
            HttpURLConnection http = (HttpURLConnection) URI.create(baseUrl + path).toURL().openConnection();
            http.setRequestMethod(method);
            http.setConnectTimeout(CONNECT_TIMEOUT_MS);
            http.setRequestProperty("Accept", "application/json, application/problem+json");
            if (token != null) {
                http.setRequestProperty("Authorization", "Bearer " + token);
            }
            headers.forEach(http::setRequestProperty);
            if (jsonBody != null) {
                byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
                http.setRequestProperty("Content-Type", "application/json");
                http.setDoOutput(true);
                http.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = http.getOutputStream()) {
                    out.write(body);
                }
            }
            status = http.getResponseCode();
            text = read(status >= 400 ? http.getErrorStream() : http.getInputStream());
        } catch (ConnectException e) {
            throw new CliException("cannot reach Gale at " + baseUrl + " (is it running? set --url or GALE_URL)");
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("talking to Gale at " + baseUrl + " failed: " + e.getMessage());
        }
        JsonNode body = text.isBlank() ? JSON.createObjectNode() : parse(text, "the answer");
        if (status >= 400) {
            String detail = body.path("detail").asString(text);
            String hint = status == 401 && token == null ? " (set --token or GALE_TOKEN)" : "";
            throw new CliException(status + " " + body.path("title").asString("") + ": " + detail + hint);
        }
        return new Answer(status, body);
    }

    private static String read(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
