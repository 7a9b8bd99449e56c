package dev.gale.api.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * The server's settings, read once from Spring's environment (application properties, system
 * properties, or {@code GALE_*} environment variables through relaxed binding).
 */
public record GaleSettings(
        String dbUrl,
        String dbUser,
        String dbPassword,
        int grpcPort,
        Duration heartbeatTimeout,
        Duration heartbeatInterval,
        Duration schedulerInterval,
        Duration maxWait,
        List<Path> dagBundlePaths,
        String workerSecret,
        String taskTokenSecret,
        DataSize maxBodySize,
        String bootstrapAdminToken) {

    static GaleSettings from(Environment env) {
        String dagPaths = env.getProperty("gale.dags", "");
        return new GaleSettings(
                env.getRequiredProperty("gale.db.url"),
                env.getProperty("gale.db.user", "postgres"),
                env.getProperty("gale.db.password", ""),
                env.getProperty("gale.grpc.port", Integer.class, 9090),
                env.getProperty("gale.heartbeat.timeout", Duration.class, Duration.ofSeconds(30)),
                env.getProperty("gale.heartbeat.interval", Duration.class, Duration.ofSeconds(5)),
                env.getProperty("gale.scheduler.interval", Duration.class, Duration.ofSeconds(1)),
                env.getProperty("gale.api.max-wait", Duration.class, Duration.ofMinutes(5)),
                dagPaths.isBlank() ? List.of()
                        : java.util.Arrays.stream(dagPaths.split("[,:]")).filter(s -> !s.isBlank()).map(Path::of).toList(),
                env.getProperty("gale.worker.secret", ""),
                env.getProperty("gale.task-token.secret", ""),
                env.getProperty("gale.api.max-body-size", DataSize.class, DataSize.ofMegabytes(1)),
                env.getProperty("gale.api.admin-token", ""));
    }
}
