package dev.gale.scheduler.loop;

import dev.gale.scheduler.engine.CronSchedule;
import dev.gale.sdk.spec.ScheduleSpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * Translates the five-field cron expressions and presets that DAG authors write (as in Airflow and
 * crontab) into Quartz's dialect, which has a seconds field, numbers Sunday 1 rather than 0, and
 * needs '?' in one of the two day fields.
 */
public final class CronExpressions {
    private static final Map<String, String> PRESETS = Map.of(
            "@hourly", "0 * * * *",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@weekly", "0 0 * * 0",
            "@monthly", "0 0 1 * *",
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");

    private CronExpressions() {
    }

    public static String toQuartz(String cron) {
        String unix = PRESETS.getOrDefault(cron.trim().toLowerCase(Locale.ROOT), cron.trim());
        String[] f = unix.split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("'" + cron + "' is not a cron expression of five fields"
                    + " (minute hour day-of-month month day-of-week) nor a known preset " + PRESETS.keySet());
        }
        String dayOfMonth = f[2];
        String dayOfWeek = shiftDaysOfWeek(f[4]);
        if ("*".equals(dayOfWeek)) {
            dayOfWeek = "?";
        } else if ("*".equals(dayOfMonth)) {
            dayOfMonth = "?";
        } else {
            throw new IllegalArgumentException("'" + cron + "' restricts both day-of-month and day-of-week; Gale"
                    + " (through Quartz) supports one of the two per expression");
        }
        return String.join(" ", "0", f[0], f[1], dayOfMonth, f[3], dayOfWeek);
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

    /** Unix numbers days 0-7 from Sunday (0 and 7 both Sunday); Quartz numbers them 1-7 from Sunday. */
    private static String shiftDaysOfWeek(String field) {
        StringBuilder out = new StringBuilder();
        StringBuilder number = new StringBuilder();
        boolean afterSlash = false;
        for (char c : (field + " ").toCharArray()) {
            if (Character.isDigit(c)) {
                number.append(c);
                continue;
            }
            if (!number.isEmpty()) {
                int n = Integer.parseInt(number.toString());
                out.append(afterSlash ? n : (n % 7) + 1);
                number.setLength(0);
            }
            afterSlash = c == '/';
            if (c != ' ') {
                out.append(c);
            }
        }
        return out.toString();
    }
}
