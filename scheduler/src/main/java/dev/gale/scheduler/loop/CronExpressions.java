package dev.gale.scheduler.loop;

import dev.gale.scheduler.engine.CronSchedule;
import dev.gale.sdk.UnixCron;
import dev.gale.sdk.spec.ScheduleSpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/** Next fire times of DAG schedules, computed by Quartz so that they agree with the Quartz triggers that fire them. */
public final class CronExpressions {
    private CronExpressions() {
    }

    public static String toQuartz(String cron) {
        return UnixCron.toQuartz(cron);
    }

    /** When a DAG with this schedule fires next after {@code after}, as Quartz will fire it; empty if never. */
    public static Optional<Instant> nextFireAfter(String cron, String timezone, Instant after) {
        CronExpression expression = parse(cron, timezone);
        return Optional.ofNullable(expression.getNextValidTimeAfter(Date.from(after))).map(Date::toInstant);
    }

    /** A DAG's cron schedule as the engine decides with it. */
    public static CronSchedule schedule(ScheduleSpec spec) {
        CronExpression expression = parse(spec.cron(), spec.timezone());
        return new CronSchedule(after -> Optional.ofNullable(expression.getNextValidTimeAfter(Date.from(after)))
                .map(Date::toInstant), spec.catchup(), spec.startDate(), spec.endDate());
    }

    private static CronExpression parse(String cron, String timezone) {
        try {
            CronExpression expression = new CronExpression(toQuartz(cron));
            expression.setTimeZone(TimeZone.getTimeZone(timezone));
            return expression;
        } catch (ParseException e) {
            throw new IllegalArgumentException("'" + cron + "' is not a valid cron expression: " + e.getMessage(), e);
        }
    }
}
