package dev.gale.api;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Generates malformed and hostile REST requests from a seed: wrong types, NUL and control characters,
 * invalid UTF-8 and lone surrogates, huge and deeply nested bodies, out-of-range numbers and instants,
 * traversal and injection strings in paths and queries, bad and missing tokens, wrong roles, methods and
 * content types. Each request says Connection: close, for {@link RawHttp}.
 */
final class HostileRestRequests {
    /** One request: its kind (for the counts), the raw request head and body. */
    record Request(String kind, String head, byte[] body) {
        String line() {
            return head.substring(0, head.indexOf("\r\n"));
        }
    }

    /** The tokens the requests carry, by role. */
    record Tokens(String admin, String operator, String viewer) {
    }

    static final List<String> HOSTILE = List.of("a\u0000b", "\u0001\u001f\u007f", "\ud800", "x\udc00y",
            "../../etc/passwd", "..", ".", "'; drop table dag_run; --", "\" or 1=1 --", "<script>alert(1)</script>",
            "${jndi:ldap://x/a}", "%00", "%2e%2e%2f", "\\..\\", "x".repeat(5000), "\ud83d\ude00", "\u202eevil",
            "", " ", "null", "-1", "0", "1e400", "9223372036854775808", "-9223372036854775809", "2147483648",
            "+294277-01-01T00:00:00Z", "-290000-01-01T00:00:00Z", "2026-13-45T99:99:99Z", "NaN", "true", "{}", "[]",
            "PT-1S", "P1000000000D", "hello", "manual__x", "queued", "model://churn");
    /** Escapes no encoder produces: bad hex, truncated, overlong and surrogate UTF-8, encoded separators. */
    static final List<String> RAW_JUNK = List.of("%zz", "%", "%f", "%ff%fe", "%C0%AF", "%ED%A0%80", "%2f", "%5c",
            "%00", "%2e%2e", "a%0d%0ab", "%E2%82");
    private static final List<String> GET_QUERIES = List.of(
            "/api/v1/runs?dagId=&state=&runType=&queuedFrom=&queuedTo=&cursor=&limit=",
            "/api/v1/dags?tag=&paused=&limit=&offset=",
            "/api/v1/dags/hello/runs?state=&runType=&queuedFrom=&queuedTo=&cursor=&limit=",
            "/api/v1/assets?kind=&namePrefix=&tag=&limit=&offset=",
            "/api/v1/lineage?asset=&run=&depth=",
            "/api/v1/dag-overview?tag=&paused=&recentRuns=&limit=&offset=",
            "/api/v1/dags/hello/grid?runs=",
            "/api/v1/assets/1/compare?versions=",
            "/api/v1/assets/1/metadata-series?field=",
            "/api/v1/dags/hello/runs/x/result?wait=",
            "/api/v1/dags/hello/runs/x/tasks/greet/logs?mapIndex=&attempt=&offset=&limit=",
            "/api/v1/events?dagId=%00");
    private static final List<String> PATHS = List.of("/api/v1/dags/{}", "/api/v1/dags/{}/versions",
            "/api/v1/dags/{}/runs/{}", "/api/v1/dags/hello/runs/{}/tasks", "/api/v1/dags/hello/runs/{}/tasks/{}",
            "/api/v1/dags/hello/runs/{}/tasks/{}/attempts", "/api/v1/dags/hello/runs/{}/tasks/{}/xcom",
            "/api/v1/dags/{}/runs/{}/llm-usage", "/api/v1/assets/{}", "/api/v1/assets/{}/versions/{}",
            "/actuator/{}", "/actuator/health/{}", "/{}", "/api/{}", "/api/v1/{}");
    private static final List<String> METHODS = List.of("PUT", "DELETE", "PATCH", "POST", "TRACE", "FOO", "GET",
            "HEAD", "OPTIONS");
    private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/xml",
            "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/json; charset=latin1",
            "application/json; charset=nope", "", "*/*", "application/problem+json", "json");

    private final Random random;
    private final Tokens tokens;
    private final String secret;

    HostileRestRequests(long seed, Tokens tokens, String secret) {
        this.random = new Random(seed);
        this.tokens = tokens;
        this.secret = secret;
    }

    List<Request> generate(int count) {
        List<Function<HostileRestRequests, Request>> kinds = List.of(HostileRestRequests::query,
                HostileRestRequests::path, HostileRestRequests::triggerBody, HostileRestRequests::patchBody,
                HostileRestRequests::tokenBody, HostileRestRequests::auth, HostileRestRequests::method,
                HostileRestRequests::contentType, HostileRestRequests::headers, HostileRestRequests::secretEcho,
                HostileRestRequests::connectionBody);
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            requests.add(kinds.get(i % kinds.size()).apply(this));
        }
        return requests;
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    /** A hostile value as it would appear in a URL: percent-encoded, or raw junk escapes. */
    private String urlValue() {
        return random.nextInt(4) == 0 ? pick(RAW_JUNK) : URLEncoder.encode(pick(HOSTILE), StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    private static String head(String method, String target, String token, String... headers) {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n");
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("Connection: close\r\n").toString();
    }

    private static Request withBody(String kind, String head, byte[] body) {
        return new Request(kind, head + "Content-Length: " + body.length + "\r\n\r\n", body);
    }

    private static Request withoutBody(String kind, String head) {
        return new Request(kind, head + "\r\n", new byte[0]);
    }

    private Request query() {
        String template = pick(GET_QUERIES);
        String path = template.substring(0, template.indexOf('?'));
        StringBuilder query = new StringBuilder();
        for (String pair : template.substring(template.indexOf('?') + 1).split("&")) {
            if (random.nextInt(3) == 0) {
                query.append(query.isEmpty() ? "" : "&").append(pair).append(pair.endsWith("=") ? urlValue() : "");
            }
        }
        if (query.isEmpty()) {
            query.append(template.substring(template.indexOf('?') + 1).split("&")[0]).append(urlValue());
        }
        return withoutBody("query", head("GET", path + "?" + query, tokens.viewer()));
    }

    private Request path() {
        String template = pick(PATHS);
        StringBuilder path = new StringBuilder();
        for (String part : template.split("\\{}", -1)) {
            path.append(path.isEmpty() ? "" : urlValue()).append(part);
        }
        String target = path.toString();
        if (target.endsWith("/") && target.length() > 1 && random.nextBoolean()) {
            target = target + urlValue();
        }
        return withoutBody("path", head(pick(List.of("GET", "GET", "DELETE")), target, tokens.admin()));
    }

    private Request triggerBody() {
        String dag = random.nextInt(4) == 0 ? "leaky_secret_for_tests" : "hello";
        return withBody("trigger-body", head("POST", "/api/v1/dags/" + dag + "/runs", tokens.operator(),
                "Content-Type: application/json"), hostileJson("conf", "note", "logicalDate"));
    }

    private Request patchBody() {
        return withBody("patch-body", head("PATCH", "/api/v1/dags/hello", tokens.admin(),
                "Content-Type: application/json"), hostileJson("isPaused"));
    }

    private Request tokenBody() {
        return withBody("token-body", head("POST", "/api/v1/tokens", tokens.admin(), "Content-Type: application/json"),
                hostileJson("name", "role"));
    }

    /** A hostile Connection or Variable, under a well-formed or a hostile id, by an admin or a viewer. */
    private Request connectionBody() {
        boolean variable = random.nextBoolean();
        String id = random.nextInt(3) == 0 ? urlValue() : "fuzz_" + random.nextInt(5);
        String token = random.nextInt(5) == 0 ? tokens.viewer() : tokens.admin();
        return withBody("connection-body", head("PUT", "/api/v1/" + (variable ? "variables/" : "connections/") + id,
                token, "Content-Type: application/json"), variable ? hostileJson("value")
                : hostileJson("connType", "port", "password", "extra"));
    }

    private Request auth() {
        String target = pick(List.of("/api/v1/dags", "/api/v1/runs", "/api/v1/tokens", "/actuator/prometheus",
                "/api/v1/dags/hello/runs", "/api/v1/workers"));
        String authorization = pick(List.of("", "Bearer", "Bearer ", "Basic YWRtaW46YWRtaW4=", "Bearer gale_forged",
                "Bearer " + tokens.admin() + "x", "bearer " + "A".repeat(4000), "Bearer " + tokens.viewer().substring(5),
                "Bearer ' or 1=1 --", "Token " + tokens.admin()));
        boolean wrongRole = random.nextBoolean();
        if (wrongRole) {
            String token = pick(List.of(tokens.viewer(), tokens.operator()));
            return pick(List.of(
                    withBody("auth", head("POST", "/api/v1/dags/hello/runs", tokens.viewer(),
                            "Content-Type: application/json"), "{}".getBytes(StandardCharsets.UTF_8)),
                    withBody("auth", head("PATCH", "/api/v1/dags/hello", token, "Content-Type: application/json"),
                            "{\"isPaused\": true}".getBytes(StandardCharsets.UTF_8)),
                    withBody("auth", head("POST", "/api/v1/tokens", token, "Content-Type: application/json"),
                            "{\"name\": \"sneaky\", \"role\": \"admin\"}".getBytes(StandardCharsets.UTF_8)),
                    withoutBody("auth", head("GET", "/api/v1/tokens", token)),
                    withoutBody("auth", head("DELETE", "/api/v1/tokens/test-admin", token))));
        }
        String head = head("GET", target, null) + (authorization.isEmpty() ? "" : "Authorization: " + authorization
                + "\r\n");
        return withoutBody("auth", head);
    }

    private Request method() {
        String target = pick(List.of("/api/v1/dags", "/api/v1/dags/hello", "/api/v1/runs", "/api/v1/tokens",
                "/api/v1/dags/hello/runs", "/api/v1/assets", "/actuator/health", "/error", "/api/v1/openapi.json"));
        String method = pick(METHODS);
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS") || method.equals("TRACE")
                ? withoutBody("method", head(method.equals("GET") ? "PUT" : method, target, tokens.viewer()))
                : withBody("method", head(method, target, tokens.viewer(), "Content-Type: application/json"),
                        "{}".getBytes(StandardCharsets.UTF_8));
    }

    private Request contentType() {
        String type = pick(CONTENT_TYPES);
        byte[] body = pick(List.of("{\"conf\": {}}", "a=b&conf=x", "<conf/>", "--x\r\n\r\n--x--", ""))
                .getBytes(StandardCharsets.UTF_8);
        return withBody("content-type", head("POST", "/api/v1/dags/hello/runs", tokens.operator(),
                type.isEmpty() ? "X-Nothing: 1" : "Content-Type: " + type), body);
    }

    private Request headers() {
        String header = pick(List.of("Idempotency-Key: " + "k".repeat(300), "Idempotency-Key: ",
                "Idempotency-Key: \u00ff\u00fe", "X-Huge: " + "h".repeat(20_000), "Content-Length: -1",
                "Content-Length: 99999999999999999999", "Transfer-Encoding: chunked", "Expect: 200-ok",
                "Accept: text/html", "Accept: application/xml", "Accept-Charset: nope", "Range: bytes=9-1"));
        String head = head("POST", "/api/v1/dags/hello/runs" + (random.nextBoolean() ? "" : "?wait=" + urlValue()),
                tokens.operator(), "Content-Type: application/json", header);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        return header.startsWith("Content-Length") || header.startsWith("Transfer-Encoding")
                ? new Request("headers", head + "\r\n", body) : withBody("headers", head, body);
    }

    /** Requests whose refusal could echo the secret param's value, if Gale let it. */
    private Request secretEcho() {
        String conf = pick(List.of(
                "{\"conf\": {\"password\": \"" + secret + "\", \"pin\": \"" + secret + "\"}}",
                "{\"conf\": {\"password\": \"" + secret + "\", \"pin\": 99999}}",
                "{\"conf\": {\"password\": [\"" + secret + "\"]}}",
                "{\"conf\": {\"password\": \"" + secret + "\\u0000\"}}",
                "{\"conf\": {\"password\": \"" + secret + "\", \"pin\": " + secret.length() + "e400}}",
                "{\"conf\": {\"password\": \"" + secret + "\", \"pin\": -1e9}, \"note\": 5}"));
        return withBody("secret-echo", head("POST", "/api/v1/dags/leaky_secret_for_tests/runs", tokens.operator(),
                "Content-Type: application/json"), conf.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON body that is wrong in one of many ways, around the fields an endpoint reads. */
    private byte[] hostileJson(String... fields) {
        String field = pick(List.of(fields));
        return switch (random.nextInt(12)) {
            case 0 -> ("{\"" + field + "\": " + nested(random.nextInt(2) == 0 ? 3000 : 40) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            case 1 -> ("{\"" + field + "\": \"" + "z".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 2 -> invalidUtf8(field);
            case 3 -> ("{\"" + field + "\": " + pick(List.of("1e400", "-1e400", "99999999999999999999999999",
                    "-0", "1.5", "0x10", "NaN", "Infinity", "01")) + "}").getBytes(StandardCharsets.UTF_8);
            case 4 -> pick(List.of("", "{", "}", "[", "nul", "{\"a\":}", "{'a': 1}", "{\"a\" 1}", "[1,2,]", "\"str\"",
                    "42", "null", "[]", "{\"a\":1}{\"b\":2}")).getBytes(StandardCharsets.UTF_8);
            case 5 -> ("{\"" + field + "\": \"" + jsonEscaped(pick(HOSTILE)) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 6 -> ("{\"" + jsonEscaped(pick(HOSTILE)) + "\": 1, \"" + field + "\": {}}")
                    .getBytes(StandardCharsets.UTF_8);
            case 7 -> ("{\"" + field + "\": " + pick(List.of("true", "false", "1", "[true]", "{\"a\": 1}", "[]",
                    "\"true\"", "\"\"")) + "}").getBytes(StandardCharsets.UTF_8);
            case 8 -> ("{\"" + field + "\": 1, \"" + field + "\": \"" + jsonEscaped(pick(HOSTILE)) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            case 9 -> ("{\"conf\": {\"" + jsonEscaped(pick(HOSTILE)) + "\": \"" + jsonEscaped(pick(HOSTILE))
                    + "\"}, \"note\": \"" + jsonEscaped(pick(HOSTILE)) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 10 -> ("{\"" + field + "\": [" + "1,".repeat(100_000) + "1]}").getBytes(StandardCharsets.UTF_8);
            default -> ("{\"logicalDate\": \"" + pick(List.of("+294277-01-01T00:00:00Z", "-290000-01-01T00:00:00Z",
                    "0000-01-01T00:00:00Z", "9999-12-31T23:59:60Z", "2026-02-30T00:00:00Z", "now", ""))
                    + "\", \"" + field + "\": null}").getBytes(StandardCharsets.UTF_8);
        };
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static byte[] invalidUtf8(String field) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("{\"" + field + "\": \"").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc0, (byte) 0xaf, (byte) 0xed, (byte) 0xa0,
            (byte) 0x80});
        body.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    /** {@code value} as the inside of a JSON string: every character outside printable ASCII as {@code \}uXXXX. */
    static String jsonEscaped(String value) {
        StringBuilder escaped = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                escaped.append(String.format("\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
