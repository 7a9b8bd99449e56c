package dev.gale.api.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gale.api.faults.DatabaseOutageFilter;
import dev.gale.api.grpc.v1.GrpcServer;
import dev.gale.api.metrics.LlmMeters;
import dev.gale.api.metrics.QueueGauges;
import dev.gale.api.grpc.v1.LlmCalls;
import dev.gale.api.grpc.v1.TaskExecutionGrpcService;
import dev.gale.api.grpc.v1.TeiBinding;
import dev.gale.api.grpc.v1.TeiTls;
import dev.gale.api.rest.v1.ApiTokenFilter;
import dev.gale.api.rest.v1.AuditInterceptor;
import dev.gale.api.rest.v1.RequestBodyLimitFilter;
import dev.gale.api.rest.v1.RoleInterceptor;
import dev.gale.api.rest.v1.UnsafeInputFilter;
import dev.gale.api.rest.v1.RunChanges;
import dev.gale.api.security.ApiTokens;
import dev.gale.api.security.TaskTokens;
import dev.gale.assets.AssetAliases;
import dev.gale.assets.Asset;
import dev.gale.assets.AssetRegistry;
import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetAliases;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.llm.LlmCatalog;
import dev.gale.scheduler.engine.DeliveryRetry;
import dev.gale.scheduler.loop.CronExpressions;
import dev.gale.scheduler.loop.CronSchedules;
import dev.gale.scheduler.loop.SchedulingLoop;
import dev.gale.scheduler.loop.TriggerLoop;
import dev.gale.scheduler.secrets.SecretBox;
import dev.gale.scheduler.service.AssetService;
import dev.gale.scheduler.service.AssetTriggers;
import dev.gale.scheduler.service.AuditLog;
import dev.gale.scheduler.service.Backfills;
import dev.gale.scheduler.service.Connections;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.kafka.KafkaSettings;
import dev.gale.scheduler.service.Deferrals;
import dev.gale.scheduler.service.DeferredTasks;
import dev.gale.scheduler.service.NotificationDispatcher;
import dev.gale.scheduler.service.NotificationOutbox;
import dev.gale.scheduler.service.LlmUsageStore;
import dev.gale.scheduler.service.Pools;
import dev.gale.scheduler.service.RunCallbackDeliveries;
import dev.gale.scheduler.service.RunHistory;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.RunTracing;
import dev.gale.scheduler.service.RunWaiter;
import dev.gale.scheduler.service.ScheduledRuns;
import dev.gale.scheduler.service.SchedulerMetrics;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.scheduler.service.TaskActions;
import dev.gale.scheduler.service.HumanInTheLoop;
import dev.gale.scheduler.store.JooqHumanRequests;
import dev.gale.scheduler.service.TaskAliasService;
import dev.gale.scheduler.service.TaskAssetService;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.scheduler.service.WorkerDirectory;
import dev.gale.scheduler.store.JooqApiTokenStore;
import dev.gale.scheduler.store.JooqAuditLog;
import dev.gale.scheduler.store.JooqBackfillStore;
import dev.gale.scheduler.store.JooqDeferrals;
import dev.gale.scheduler.store.JooqFinishedRuns;
import dev.gale.scheduler.store.JooqLlmUsageStore;
import dev.gale.scheduler.store.JooqNotificationOutbox;
import dev.gale.scheduler.store.JooqPoolStore;
import dev.gale.scheduler.store.JooqQueueMetrics;
import dev.gale.scheduler.store.JooqRunHistory;
import dev.gale.scheduler.store.JooqScheduleStore;
import dev.gale.scheduler.store.JooqSchedulerStore;
import dev.gale.scheduler.store.JooqSecretsStore;
import dev.gale.scheduler.store.JooqSigningKeys;
import dev.gale.scheduler.store.JooqTaskActionStore;
import dev.gale.scheduler.store.PgNotifications;
import dev.gale.scheduler.store.QuartzConnections;
import dev.gale.scheduler.store.SchedulerMigrations;
import dev.gale.scheduler.trigger.SqlTrigger;
import dev.gale.scheduler.trigger.TriggerKinds;
import dev.gale.sdk.runtime.DagRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The composition root: the only place that wires Gale's parts together, and the only Spring in them. */
@Configuration(proxyBeanMethods = false)
public class GaleServerConfiguration {
    /** How failed notifications and run callbacks are retried: after 10 s, doubling up to 10 min, 10 attempts in all. */
    private static final DeliveryRetry NOTIFICATION_RETRY = new DeliveryRetry(Duration.ofSeconds(10),
            Duration.ofMinutes(10), 10);
    /** Longer than a worker lets a run callback run (dev.gale.sdk.RunCallbacks.TIMEOUT) and report it. */
    private static final Duration RUN_CALLBACK_LEASE = Duration.ofMinutes(3);
    private static final tools.jackson.databind.json.JsonMapper TRIGGER_JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    @Bean
    GaleSettings galeSettings(Environment environment) {
        return GaleSettings.from(environment);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(GaleSettings settings, Environment environment) {
        HikariConfig config = new HikariConfig();
        // While PostgreSQL is away a call waits this long for a connection, then answers "retry" (503, UNAVAILABLE).
        config.setConnectionTimeout(environment.getProperty("gale.db.connection-timeout", Duration.class,
                Duration.ofSeconds(10)).toMillis());
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
                List.of(JooqSchedulerStore.TASK_QUEUED_CHANNEL, JooqSchedulerStore.RUN_FINISHED_CHANNEL,
                        JooqSchedulerStore.RUN_CHANGED_CHANNEL));
    }

    @Bean(destroyMethod = "close")
    RunChanges runChanges(PgNotifications notifications) {
        return new RunChanges(notifications, JooqSchedulerStore.RUN_CHANGED_CHANNEL);
    }

    @Bean
    Supplier<SecretBox> secretBox(Environment env, DSLContext dsl) {
        return SecretsKey.from(env, dsl);
    }

    @Bean
    SchedulerStore schedulerStore(DSLContext dsl, Clock clock, Supplier<SecretBox> secretBox,
                                  SchedulerMetrics metrics) {
        return new JooqSchedulerStore(dsl, clock, secretBox, metrics);
    }

    @Bean
    RunHistory runHistory(DSLContext dsl) {
        return new JooqRunHistory(dsl);
    }

    @Bean
    ApiTokens apiTokens(DSLContext dsl, Clock clock, GaleSettings settings) {
        ApiTokens tokens = new ApiTokens(new JooqApiTokenStore(dsl), clock);
        if (!settings.bootstrapAdminToken().isBlank()) {
            tokens.bootstrapAdmin(settings.bootstrapAdminToken());
        }
        return tokens;
    }

    @Bean
    FilterRegistrationBean<DatabaseOutageFilter> databaseOutageFilter() {
        FilterRegistrationBean<DatabaseOutageFilter> registration =
                new FilterRegistrationBean<>(new DatabaseOutageFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(GaleSettings settings) {
        FilterRegistrationBean<RequestBodyLimitFilter> registration =
                new FilterRegistrationBean<>(new RequestBodyLimitFilter(settings.maxBodySize()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Bean
    FilterRegistrationBean<UnsafeInputFilter> unsafeInputFilter() {
        FilterRegistrationBean<UnsafeInputFilter> registration = new FilterRegistrationBean<>(new UnsafeInputFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 15);
        return registration;
    }

    @Bean
    TomcatHardening tomcatHardening() {
        return new TomcatHardening();
    }

    @Bean
    FilterRegistrationBean<ApiTokenFilter> apiTokenFilter(ApiTokens tokens) {
        FilterRegistrationBean<ApiTokenFilter> registration = new FilterRegistrationBean<>(new ApiTokenFilter(tokens));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    @Bean
    AuditLog auditLog(DSLContext dsl) {
        return new JooqAuditLog(dsl);
    }

    @Bean
    WebMvcConfigurer roleChecks(AuditLog auditLog, Clock clock) {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(new RoleInterceptor()).addPathPatterns("/api/**");
                registry.addInterceptor(new AuditInterceptor(auditLog, clock)).addPathPatterns("/api/**");
            }
        };
    }

    @Bean
    OpenAPI openApi() {
        return new OpenAPI()
                .info(new Info().title("Gale REST API").version("v1").description("Trigger DAG runs (ad hoc, many"
                        + " at once, or synchronously with ?wait=), read them, cancel and clear them; read assets,"
                        + " their versions, comparisons and lineage. Every error is"
                        + " application/problem+json. Send 'Authorization: Bearer <token>'."))
                .components(new Components().addSecuritySchemes("bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }

    @Bean
    AssetRegistry assetRegistry(DSLContext dsl) {
        return new JooqAssetRegistry(dsl);
    }

    @Bean
    AssetAliases assetAliases(DSLContext dsl) {
        return new JooqAssetAliases(dsl);
    }

    @Bean
    DagRegistry dagRegistry(GaleSettings settings) {
        return DagRegistry.load(getClass().getClassLoader(), settings.dagBundlePaths());
    }

    @Bean
    DagService dagService(SchedulerStore store, AssetRegistry assets, RunHistory history, DagRegistry dags) {
        DagService service = new DagService(store, assets, history);
        service.sync(dags.dags());
        return service;
    }

    @Bean
    RunService runService(SchedulerStore store, RunHistory history, Clock clock, RunTracing tracing) {
        return new RunService(store, history, clock, tracing);
    }

    @Bean
    RunWaiter runWaiter(SchedulerStore store, PgNotifications notifications) {
        return new RunWaiter(store, notifications, JooqSchedulerStore.RUN_FINISHED_CHANNEL);
    }

    @Bean
    TaskExecutionService taskExecutionService(SchedulerStore store, Clock clock, Connections connections,
                                              RunTracing tracing) {
        return new TaskExecutionService(store, clock, connections::maskedValues, tracing);
    }

    @Bean
    Connections connections(DSLContext dsl, Supplier<SecretBox> secretBox, Clock clock, Environment env) {
        // Spring's environment holds the OS environment (GALE_CONN_*, GALE_VAR_*) and, in tests, properties of that name.
        return new Connections(new JooqSecretsStore(dsl, secretBox, clock), env::getProperty, clock);
    }

    @Bean
    WorkerDirectory workerDirectory(SchedulerStore store, Clock clock, GaleSettings settings) {
        return new WorkerDirectory(store, clock, settings.heartbeatTimeout());
    }

    /** Without gale.task-token.secret, the key is made once and kept in the database for every replica. */
    @Bean
    TaskTokens taskTokens(GaleSettings settings, Clock clock, DSLContext dsl) {
        String secret = settings.taskTokenSecret().isBlank() ? JooqSigningKeys.shared(dsl, "task-token")
                : settings.taskTokenSecret();
        return new TaskTokens(secret, clock, Duration.ofMinutes(15));
    }

    /** The models this deployment offers ({@code gale.llm.catalog}); a mistake in it stops the server at start. */
    @Bean
    LlmCatalog llmCatalog(GaleSettings settings) {
        return LlmCatalog.fromSetting(settings.llmCatalog());
    }

    @Bean
    LlmUsageStore llmUsageStore(DSLContext dsl) {
        return new JooqLlmUsageStore(dsl);
    }

    @Bean
    AssetTriggers assetTriggers(AssetRegistry assets, AssetAliases aliases, SchedulerStore store, RunService runs) {
        return new AssetTriggers(assets, aliases, store, runs);
    }

    @Bean
    TaskAssetService taskAssetService(SchedulerStore store, AssetRegistry assets, AssetTriggers triggers) {
        return new TaskAssetService(store, assets, triggers);
    }

    @Bean
    TaskAliasService taskAliasService(SchedulerStore store, AssetRegistry assets, AssetAliases aliases) {
        return new TaskAliasService(store, assets, aliases);
    }

    @Bean
    AssetService assetService(AssetRegistry assets, RunService runs) {
        return new AssetService(assets, runs);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gale.grpc.enabled", matchIfMissing = true)
    TaskExecutionGrpcService taskExecutionGrpcService(TaskExecutionService tasks, WorkerDirectory workers,
                                                      TaskAssetService assets, TaskTokens tokens, Clock clock,
                                                      GaleSettings settings, PgNotifications notifications,
                                                      LlmCatalog llmCatalog, LlmUsageStore llmUsage,
                                                      Connections connections, NotificationOutbox outbox,
                                                      LlmMeters llmMeters, TaskAliasService aliases,
                                                      DeferredTasks deferred) {
        // Workers get API keys named by apiKeyEnv as read here: only the server's environment holds them.
        TaskExecutionGrpcService service = new TaskExecutionGrpcService(tasks, workers, assets, tokens, clock,
                settings.heartbeatInterval(), new LlmCalls(llmCatalog.withKeysFrom(System::getenv).toJson(),
                llmUsage, llmMeters), connections,
                new RunCallbackDeliveries(outbox, NOTIFICATION_RETRY, RUN_CALLBACK_LEASE, clock), aliases, deferred);
        notifications.subscribe(JooqSchedulerStore.TASK_QUEUED_CHANNEL, queue -> service.taskQueued());
        return service;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gale.grpc.enabled", matchIfMissing = true)
    GrpcServer grpcServer(GaleSettings settings, TaskExecutionGrpcService service, Environment environment,
                          OpenTelemetry openTelemetry) {
        return new GrpcServer(TeiBinding.address(environment.getProperty("gale.grpc.bind", ""), settings.grpcPort(),
                settings.workerSecret()), service, settings.workerSecret(), TeiTls.from(environment), openTelemetry)
                .start();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gale.scheduler.enabled", matchIfMissing = true)
    SchedulingLoop schedulingLoop(SchedulerStore store, Clock clock, GaleSettings settings,
                                  AssetTriggers assetTriggers, SchedulerMetrics metrics) {
        store.definePools(settings.pools());
        SchedulingLoop loop = new SchedulingLoop(store, clock, settings.heartbeatTimeout(), settings.gpuWaitTimeout(),
                assetTriggers, metrics);
        loop.start(settings.schedulerInterval());
        return loop;
    }

    @Bean
    Deferrals deferrals(DSLContext dsl) {
        return new JooqDeferrals(dsl);
    }

    @Bean
    TriggerKinds triggerKinds(AssetRegistry assets, DSLContext dsl, Connections connections,
                              ObjectProvider<KafkaSettings> kafka) {
        return TriggerKinds.builtIn(
                name -> assets.findByName(name).map(Asset::latestVersion).orElse(0),
                (name, version) -> assets.version(name, version).map(v -> Map.<String, Object>of("asset", name,
                        "version", v.version(), "metadata", TRIGGER_JSON.readValue(v.metadataJson(),
                                new tools.jackson.core.type.TypeReference<Map<String, Object>>() { }))),
                new JooqFinishedRuns(dsl),
                connId -> connections.connection(connId).flatMap(c -> SqlTrigger.Database.of(c.type(), c.host(),
                        c.port(), c.login(), c.password(), c.schema(), c.extraJson())),
                Optional.ofNullable(kafka.getIfAvailable()));
    }

    @Bean
    DeferredTasks deferredTasks(Deferrals deferrals, TriggerKinds kinds, SchedulerStore store, Clock clock) {
        return new DeferredTasks(deferrals, kinds, store, clock);
    }

    /** Deferred tasks' triggers are evaluated where the scheduling loop runs: no process of their own. */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gale.scheduler.enabled", matchIfMissing = true)
    TriggerLoop triggerLoop(Deferrals deferrals, TriggerKinds kinds, SchedulerStore store, Clock clock,
                            GaleSettings settings) {
        return new TriggerLoop(deferrals, kinds, store, clock).start(settings.schedulerInterval());
    }

    @Bean
    ScheduledRuns scheduledRuns(SchedulerStore store, DSLContext dsl, RunService runs, Clock clock) {
        return new ScheduledRuns(store, new JooqScheduleStore(dsl), runs, CronExpressions::schedule, clock);
    }

    @Bean
    TaskActions taskActions(SchedulerStore store, DSLContext dsl, Clock clock, Supplier<SecretBox> secretBox,
                            SchedulerMetrics metrics) {
        return new TaskActions(store, new JooqTaskActionStore(dsl, clock, secretBox, metrics), clock);
    }

    @Bean
    HumanInTheLoop humanInTheLoop(DSLContext dsl, DeferredTasks deferred, Clock clock) {
        return new HumanInTheLoop(new JooqHumanRequests(dsl), deferred, clock);
    }

    @Bean
    Pools pools(DSLContext dsl) {
        return new Pools(new JooqPoolStore(dsl));
    }

    /** The queue and state gauges on /actuator/prometheus (deploy/kubernetes/scaling.yaml scales on them). */
    @Bean(destroyMethod = "close")
    QueueGauges queueGauges(DSLContext dsl, MeterRegistry registry, Clock clock) {
        return new QueueGauges(new JooqQueueMetrics(dsl), registry, clock);
    }

    @Bean
    NotificationOutbox notificationOutbox(DSLContext dsl) {
        return new JooqNotificationOutbox(dsl);
    }

    /** Delivers run notifications; {@code gale.public-url} is the web UI's address in the links they carry. */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gale.scheduler.enabled", matchIfMissing = true)
    NotificationDispatcher notificationDispatcher(NotificationOutbox outbox, Clock clock, GaleSettings settings,
                                                  org.springframework.core.env.Environment env,
                                                  Connections connections) {
        NotificationDispatcher dispatcher = new NotificationDispatcher(outbox, System::getenv,
                env.getProperty("gale.public-url", "http://localhost:" + env.getProperty("server.port", "8080")),
                connections::connection, NOTIFICATION_RETRY, clock);
        dispatcher.start(settings.schedulerInterval());
        return dispatcher;
    }

    @Bean
    Backfills backfills(SchedulerStore store, DSLContext dsl, RunService runs, Clock clock) {
        return new Backfills(store, new JooqBackfillStore(dsl), runs, CronExpressions::schedule, clock);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gale.scheduler.enabled", matchIfMissing = true)
    CronSchedules cronSchedules(DataSource dataSource, ScheduledRuns scheduledRuns, Backfills backfills,
                                DagService dagService, DagRegistry dags, GaleSettings settings) {
        CronSchedules schedules = new CronSchedules(QuartzConnections.register(dataSource), () -> {
            scheduledRuns.createDue();
            backfills.advance();
        }, settings.schedulerInterval());
        // dagService is a parameter so that the DAGs are stored before their schedules fire.
        schedules.sync(dags.dags().stream().map(dev.gale.sdk.Dag::spec).toList());
        schedules.start();
        return schedules;
    }

    @Bean
    DatabaseHealthIndicator databaseHealthIndicator(DSLContext dsl) {
        return new DatabaseHealthIndicator(dsl);
    }
}
