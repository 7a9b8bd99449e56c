package dev.gale.scheduler.loop;

import dev.gale.sdk.spec.DagSpec;
import dev.gale.sdk.spec.ScheduleSpec;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the schedulers when DAG runs are due, through Quartz's clustered JDBC job store in PostgreSQL:
 * at each cron fire time of each DAG, and every {@code passEvery} besides, so that fires missed while
 * every scheduler was down or while a DAG was paused get their runs soon after, and backfills start
 * their next runs. Each wake-up reaches one scheduler of the cluster. What is due is decided by
 * {@link dev.gale.scheduler.service.ScheduledRuns}, not by Quartz's misfire rules, and a unique index
 * makes a second creation of a run a no-op.
 */
public final class CronSchedules implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CronSchedules.class);
    private static final String GROUP = "gale-dags";
    private static final JobKey PASS = JobKey.jobKey("pass", "gale");

    private final Scheduler quartz;

    private final Duration passEvery;

    /**
     * @param quartzDataSource a name registered with Quartz's connection manager
     * @param pass             creates the scheduled runs that are due (and starts backfills' runs)
     * @param passEvery        how often {@code pass} also runs between fires
     */
    public CronSchedules(String quartzDataSource, Runnable pass, Duration passEvery) {
        this.passEvery = passEvery;
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "gale");
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.tablePrefix", "gale.qrtz_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.dataSource", quartzDataSource);
        try {
            quartz = new StdSchedulerFactory(p).getScheduler();
            // Quartz keeps one scheduler per name and JVM; forget it so that another (a test's second
            // scheduler process, say) gets its own cluster member rather than this one.
            SchedulerRepository.getInstance().remove("gale");
            CoalescedPass coalesced = new CoalescedPass(pass);
            quartz.setJobFactory((bundle, scheduler) -> (Job) context -> coalesced.run());
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot set up Quartz for cron schedules: " + e.getMessage(), e);
        }
    }

    public void start() {
        try {
            quartz.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start Quartz: " + e.getMessage(), e);
        }
    }

    /** Makes Quartz's triggers match the DAGs' cron schedules: adds, replaces, and removes. */
    public void sync(Collection<DagSpec> dags) {
        try {
            if (!quartz.checkExists(PASS)) {
                JobDetail job = JobBuilder.newJob(Job.class).withIdentity(PASS).storeDurably().build();
                Trigger every = TriggerBuilder.newTrigger().withIdentity(TriggerKey.triggerKey("pass", "gale"))
                        .forJob(job).withSchedule(SimpleScheduleBuilder.simpleSchedule()
                                .withIntervalInMilliseconds(passEvery.toMillis()).repeatForever()
                                .withMisfireHandlingInstructionNextWithRemainingCount()).build();
                quartz.scheduleJob(job, Set.of(every), true);
            }
            Set<JobKey> wanted = new HashSet<>();
            for (DagSpec dag : dags) {
                ScheduleSpec schedule = dag.schedule();
                if (schedule == null || schedule.cron() == null) {
                    continue;
                }
                JobKey key = JobKey.jobKey(dag.dagId(), GROUP);
                wanted.add(key);
                JobDetail job = JobBuilder.newJob(Job.class).withIdentity(key).storeDurably().build();
                // A missed fire needs no replay by Quartz: the next pass creates what it missed.
                CronScheduleBuilder cron = CronScheduleBuilder.cronSchedule(CronExpressions.toQuartz(schedule.cron()))
                        .inTimeZone(TimeZone.getTimeZone(schedule.timezone())).withMisfireHandlingInstructionDoNothing();
                Trigger trigger = TriggerBuilder.newTrigger().withIdentity(TriggerKey.triggerKey(dag.dagId(), GROUP))
                        .forJob(job).withSchedule(cron).build();
                Trigger existing = quartz.getTrigger(trigger.getKey());
                if (existing instanceof org.quartz.CronTrigger c && c.getCronExpression()
                        .equals(((org.quartz.CronTrigger) trigger).getCronExpression())
                        && c.getTimeZone().equals(((org.quartz.CronTrigger) trigger).getTimeZone())
                        && c.getMisfireInstruction() == trigger.getMisfireInstruction()) {
                    continue;
                }
                quartz.scheduleJob(job, Set.of(trigger), true);
                log.info("Scheduled DAG {} on '{}' ({})", dag.dagId(), schedule.cron(), schedule.timezone());
            }
            for (JobKey key : quartz.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
                if (!wanted.contains(key)) {
                    quartz.deleteJob(key);
                }
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot register cron schedules with Quartz: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            quartz.shutdown(true);
        } catch (SchedulerException e) {
            log.warn("Quartz did not shut down cleanly: {}", e.getMessage());
        }
    }
}
