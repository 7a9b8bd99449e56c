package dev.gale.build;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.codec.binary.Hex;
import org.apache.commons.codec.digest.DigestUtils;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.Target;

/**
 * Generates jOOQ classes from a module's Flyway migrations, applied to a throwaway embedded
 * PostgreSQL, so that the build needs no external database and the classes match what
 * PostgreSQL itself makes of the schema. Skips the work when the migrations have not changed.
 *
 * <p>Arguments: migrations directory, schema, target package, target directory.
 */
public final class JooqCodegen {
    private JooqCodegen() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: JooqCodegen <migrations dir> <schema> <package> <target dir>");
        }
        Path migrations = Path.of(args[0]);
        String schema = args[1];
        String packageName = args[2];
        Path target = Path.of(args[3]);
        Path stamp = target.resolve(".migrations-sha256");
        String fingerprint = fingerprint(migrations, String.join("|", args));
        if (Files.exists(stamp) && Files.readString(stamp).equals(fingerprint)) {
            return;
        }
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            Flyway.configure()
                    .dataSource(postgres.getPostgresDatabase())
                    .schemas(schema)
                    .locations("filesystem:" + migrations.toAbsolutePath())
                    .load()
                    .migrate();
            GenerationTool.generate(new Configuration()
                    .withLogging(Logging.WARN)
                    .withJdbc(new Jdbc()
                            .withDriver("org.postgresql.Driver")
                            .withUrl(postgres.getJdbcUrl("postgres", "postgres"))
                            .withUser("postgres")
                            .withPassword("postgres"))
                    .withGenerator(new Generator()
                            .withDatabase(new Database()
                                    .withName("org.jooq.meta.postgres.PostgresDatabase")
                                    .withInputSchema(schema)
                                    .withExcludes("flyway_schema_history|qrtz_.*"))
                            .withGenerate(new Generate()
                                    .withPojos(false)
                                    .withDaos(false)
                                    .withJavaTimeTypes(true))
                            .withTarget(new Target()
                                    .withPackageName(packageName)
                                    .withDirectory(target.toString()))));
        }
        Files.createDirectories(target);
        Files.writeString(stamp, fingerprint);
    }

    private static String fingerprint(Path migrations, String settings) throws IOException {
        try (Stream<Path> files = Files.list(migrations)) {
            List<Path> sorted = files.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
            MessageDigest sha = DigestUtils.getSha256Digest();
            sha.update(settings.getBytes(StandardCharsets.UTF_8));
            for (Path file : sorted) {
                sha.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(file));
            }
            return Hex.encodeHexString(sha.digest());
        }
    }
}
