package dev.gale.llm;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A provider's HTTP endpoint on a free local port, answering with scripted responses in the
 * provider's own wire format, and keeping every request it got. Once the script is used up it
 * repeats its last answer.
 */
final class FakeProvider implements AutoCloseable {
    record Answer(int status, String body) {
    }

    record Request(String path, String body) {
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private volatile Answer last;
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeProvider(Answer... answers) {
        script.addAll(List.of(answers));
        last = answers[answers.length - 1];
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            requests.add(new Request(exchange.getRequestURI().getPath(),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            Answer answer = script.poll();
            answer = answer == null ? last : answer;
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    static Answer openAiChat(String content, int promptTokens, int completionTokens) {
        return new Answer(200, """
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"m",
                 "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                .formatted(quote(content), promptTokens, completionTokens, promptTokens + completionTokens));
    }

    /** A turn in which the model asks for one tool with these JSON arguments. */
    static Answer openAiToolCall(String id, String tool, String argumentsJson, int promptTokens, int completionTokens) {
        return new Answer(200, """
                {"id":"chatcmpl-2","object":"chat.completion","created":1700000000,"model":"m",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"%s",
                 "type":"function","function":{"name":"%s","arguments":%s}}]},"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                .formatted(id, tool, quote(argumentsJson), promptTokens, completionTokens,
                        promptTokens + completionTokens));
    }

    static Answer openAiError(int status, String type, String message) {
        return new Answer(status, """
                {"error":{"message":%s,"type":"%s","param":null,"code":"%s"}}""".formatted(quote(message), type, type));
    }

    static Answer anthropicMessage(String text, int inputTokens, int outputTokens) {
        return new Answer(200, """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":%s}],
                 "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":%d,"output_tokens":%d}}"""
                .formatted(quote(text), inputTokens, outputTokens));
    }

    static Answer anthropicError(int status, String type, String message) {
        return new Answer(status, """
                {"type":"error","error":{"type":"%s","message":%s}}""".formatted(type, quote(message)));
    }

    static Answer ollamaChat(String content, int promptEvalCount, int evalCount) {
        return new Answer(200, """
                {"model":"llama3","created_at":"2026-11-21T00:00:00Z","message":{"role":"assistant","content":%s},
                 "done":true,"done_reason":"stop","prompt_eval_count":%d,"eval_count":%d}"""
                .formatted(quote(content), promptEvalCount, evalCount));
    }

    static Answer ollamaError(int status, String message) {
        return new Answer(status, "{\"error\":" + quote(message) + "}");
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
