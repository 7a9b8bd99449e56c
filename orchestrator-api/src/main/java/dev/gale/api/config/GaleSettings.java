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
        java.util.Map<String, Integer> pools,
        DataSize maxBodySize,
        String bootstrapAdminToken,
        Duration gpuWaitTimeout,
        String llmCatalog) {

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
                pools(env.getProperty("gale.pools", "")),
                env.getProperty("gale.api.max-body-size", DataSize.class, DataSize.ofMegabytes(1)),
                env.getProperty("gale.api.admin-token", ""),
                env.getProperty("gale.gpu.wait-timeout", Duration.class, Duration.ofMinutes(10)),
                env.getProperty("gale.llm.catalog", ""));
    }

    /** Parses {@code name:slots,name:slots}, e.g. {@code etl:4,gpu:1}. */
    private static java.util.Map<String, Integer> pools(String spec) {
        java.util.Map<String, Integer> pools = new java.util.LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split(":");
            if (parts.length != 2 || !parts[1].matches("\\d+")) {
                throw new IllegalArgumentException("gale.pools (GALE_POOLS) takes name:slots pairs such as"
                        + " etl:4,gpu:1; got '" + entry + "'");
            }
            pools.put(parts[0], Integer.parseInt(parts[1]));
        }
        return pools;
    }
}
