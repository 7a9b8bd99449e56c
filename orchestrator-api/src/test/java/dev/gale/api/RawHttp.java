package dev.gale.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
            all.write(buffer, 0, n);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end > 0) {
                String length = header(text.substring(0, end), "content-length");
                boolean complete = length.isEmpty() ? text.endsWith("0\r\n\r\n")
                        : all.size() >= end + 4 + Integer.parseInt(length);
                if (complete) {
                    break;
                }
            }
        }
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        int status = Integer.parseInt(head.substring(9, 12));
        return new Answer(status, header(head, "content-type").toLowerCase(Locale.ROOT),
                end < 0 ? "" : text.substring(end + 4));
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
