package dev.gale.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * HTTP/1.1 written by hand over a socket, for requests no well-behaved client sends (a bad {@code %} escape,
 * an encoded slash, TRACE, {@code Expect: 100-continue} with a body that is never sent).
 */
final class RawHttp {
    /** What came back: the status, the Content-Type (lower case, or "") and the body as text. */
    record Answer(int status, String contentType, String body) {
    }

    private RawHttp() {
    }

    static Answer send(int port, String head, byte[] body) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    /** Sends only the head, as a client that waits for {@code 100 Continue} before its body does. */
    static Answer sendHeadOnly(int port, String head) throws IOException {
        return send(port, head, new byte[0]);
    }

    /** Reads until the server closes the connection (every request here says {@code Connection: close}). */
    private static Answer read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        int status = Integer.parseInt(head.substring(9, 12));
        byte[] body = end < 0 ? new byte[0] : Arrays.copyOfRange(all, end + 4, all.length);
        if (header(head, "transfer-encoding").equalsIgnoreCase("chunked")) {
            body = unchunked(body);
        }
        return new Answer(status, header(head, "content-type").toLowerCase(Locale.ROOT),
                new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] unchunked(byte[] chunked) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String text = new String(chunked, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < text.length()) {
            int lineEnd = text.indexOf("\r\n", at);
            int size = lineEnd < 0 ? 0 : Integer.parseInt(text.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            int start = lineEnd + 2;
            body.write(chunked, start, Math.min(size, chunked.length - start));
            at = start + size + 2;
        }
        return body.toByteArray();
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }
}
