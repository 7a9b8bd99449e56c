package dev.gale.api.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gale.api.grpc.v1.GrpcServer;
import dev.gale.api.grpc.v1.TaskExecutionGrpcService;
import dev.gale.api.security.TaskTokens;
import dev.gale.assets.AssetRegistry;
import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.loop.CronSchedules;
import dev.gale.scheduler.loop.SchedulingLoop;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.InvalidConfException;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.RunWaiter;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.scheduler.store.JooqSchedulerStore;
import dev.gale.scheduler.store.PgNotifications;
import dev.gale.scheduler.store.QuartzConnections;
import dev.gale.scheduler.store.SchedulerMigrations;
import dev.gale.sdk.runtime.DagRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The composition root: the only place that wires Gale's parts together, and the only Spring in them. */
@Configuration(proxyBeanMethods = false)
public class GaleServerConfiguration {

    @Bean
    GaleSettings galeSettings(Environment environment) {
        return GaleSettings.from(environment);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(GaleSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.dbUrl());
        config.setUsername(settings.dbUser());
        config.setPassword(settings.dbPassword());
        config.setMaximumPoolSize(16);
        config.setPoolName("gale");
        HikariDataSource dataSource = new HikariDataSource(config);
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        return dataSource;
    }

    @Bean
    DSLContext dsl(DataSource dataSource) {
        return DSL.using(dataSource, SQLDialect.POSTGRES);
    }

    @Bean(destroyMethod = "close")
    PgNotifications notifications(GaleSettings settings, DataSource migrated) {
        return new PgNotifications(settings.dbUrl(), settings.dbUser(), settings.dbPassword(),
                List.of(JooqSchedulerStore.TASK_QUEUED_CHANNEL, JooqSchedulerStore.RUN_FINISHED_CHANNEL));
    }

    @Bean
    SchedulerStore schedulerStore(DSLContext dsl, Clock clock) {
        return new JooqSchedulerStore(dsl, clock);
    }

    @Bean
    AssetRegistry assetRegistry(DSLContext dsl) {
        return new JooqAssetRegistry(dsl);
    }

    @Bean
    DagRegistry dagRegistry(GaleSettings settings) {
        return DagRegistry.load(getClass().getClassLoader(), settings.dagBundlePaths());
    }

    @Bean
    DagService dagService(SchedulerStore store, AssetRegistry assets, DagRegistry dags) {
        DagService service = new DagService(store, assets);
        service.sync(dags.dags());
        return service;
    }

    @Bean
    RunService runService(SchedulerStore store, Clock clock) {
        return new RunService(store, clock);
    }

    @Bean
    RunWaiter runWaiter(SchedulerStore store, PgNotifications notifications) {
        return new RunWaiter(store, notifications, JooqSchedulerStore.RUN_FINISHED_CHANNEL);
    }

    @Bean
    TaskExecutionService taskExecutionService(SchedulerStore store, Clock clock) {
        return new TaskExecutionService(store, clock);
    }

    @Bean
    TaskTokens taskTokens(GaleSettings settings, Clock clock) {
        return new TaskTokens(settings.taskTokenSecret(), clock, Duration.ofMinutes(15));
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gale.grpc.enabled", matchIfMissing = true)
    TaskExecutionGrpcService taskExecutionGrpcService(TaskExecutionService tasks, TaskTokens tokens, Clock clock,
                                                      GaleSettings settings, PgNotifications notifications) {
        TaskExecutionGrpcService service = new TaskExecutionGrpcService(tasks, tokens, clock,
                settings.heartbeatInterval());
        notifications.subscribe(JooqSchedulerStore.TASK_QUEUED_CHANNEL, queue -> service.taskQueued());
        return service;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gale.grpc.enabled", matchIfMissing = true)
    GrpcServer grpcServer(GaleSettings settings, TaskExecutionGrpcService service) {
        return new GrpcServer(settings.grpcPort(), service, settings.workerSecret()).start();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gale.scheduler.enabled", matchIfMissing = true)
    SchedulingLoop schedulingLoop(SchedulerStore store, Clock clock, GaleSettings settings) {
        store.definePools(settings.pools());
        SchedulingLoop loop = new SchedulingLoop(store, clock, settings.heartbeatTimeout());
        loop.start(settings.schedulerInterval());
        return loop;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gale.scheduler.enabled", matchIfMissing = true)
    CronSchedules cronSchedules(DataSource dataSource, RunService runs, DagService dags) {
        CronSchedules schedules = new CronSchedules(QuartzConnections.register(dataSource), (dagId, logicalDate) -> {
            try {
                runs.triggerScheduled(dagId, logicalDate);
            } catch (InvalidConfException e) {
                LoggerFactory.getLogger(CronSchedules.class).error("Scheduled run of {} not created: {}", dagId,
                        e.getMessage());
            }
        });
        schedules.sync(dags.list().stream().map(d -> d.currentVersion().spec()).toList());
        schedules.start();
        return schedules;
    }

    @Bean
    DatabaseHealthIndicator databaseHealthIndicator(DSLContext dsl) {
        return new DatabaseHealthIndicator(dsl);
    }
}
