package dev.gale.sdk.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs task code as a child process of the worker. The child gets no task token: it reaches its
 * worker through a Unix socket in a directory only this user can open ({@code GALE_TASK_SOCKET}),
 * speaking {@link ChildProtocol}; its stdout and stderr become the task log.
 */
final class ChildProcess {
    /** Worker settings a task has no business seeing. */
    private static final List<String> WITHHELD_ENV = List.of("GALE_WORKER_SECRET", "GALE_TASK_TOKEN_SECRET");

    private ChildProcess() {
    }

    /**
     * Runs {@code command} to its end and returns its exit code. When the calling thread is
     * interrupted (the task is being stopped), the process and its descendants are killed.
     */
    static int run(List<String> command, TaskIdentity identity, TaskChannel channel, JsonMapper json)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("gale-task-");
        Path socket = dir.resolve("tei.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().name("gale-child-socket").start(() -> accept(server, new ChildProtocol(channel, json)));
            ProcessBuilder builder = new ProcessBuilder(command);
            Map<String, String> env = builder.environment();
            WITHHELD_ENV.forEach(env::remove);
            env.putAll(identity.environment());
            env.put(ChildProtocol.SOCKET_ENV, socket.toString());
            Process process = builder.start();
            process.getOutputStream().close();
            Thread out = pump(process.getInputStream(), "stdout", channel);
            Thread err = pump(process.getErrorStream(), "stderr", channel);
            try {
                int exitCode = process.waitFor();
                // A grandchild may keep the pipes open; the task's own output has ended with it.
                out.join(2_000);
                err.join(2_000);
                return exitCode;
            } catch (InterruptedException e) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw e;
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    private static void accept(ServerSocketChannel server, ChildProtocol protocol) {
        while (server.isOpen()) {
            try {
                SocketChannel connection = server.accept();
                Thread.ofVirtual().name("gale-child-connection").start(() -> serve(connection, protocol));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(SocketChannel connection, ChildProtocol protocol) {
        try (connection;
             BufferedReader in = new BufferedReader(Channels.newReader(connection, StandardCharsets.UTF_8));
             Writer out = Channels.newWriter(connection, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    out.write(protocol.handle(line));
                    out.write('\n');
                    out.flush();
                }
            }
        } catch (IOException e) {
            // The child closed its end, typically by exiting.
        }
    }

    private static Thread pump(InputStream stream, String name, TaskChannel channel) {
        return Thread.ofVirtual().name("gale-child-" + name).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    channel.log(name, line);
                }
            } catch (IOException e) {
                // The process is gone; what it wrote so far is logged.
            }
        });
    }
}
