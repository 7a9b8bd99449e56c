package dev.gale.sdk;

import com.cronutils.mapper.CronMapper;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.util.Locale;
import java.util.Map;

/**
 * The five-field cron expressions and presets that DAG authors write (as in Airflow and crontab),
 * parsed and checked by cron-utils, and mapped to Quartz's dialect for the scheduler.
 */
public final class UnixCron {
    private static final Map<String, String> PRESETS = Map.of(
            "@hourly", "0 * * * *",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@weekly", "0 0 * * 0",
            "@monthly", "0 0 1 * *",
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private UnixCron() {
    }

    /** Parses a five-field expression or a preset; throws IllegalArgumentException saying what is wrong. */
    public static Cron parse(String cronOrPreset) {
        String unix = PRESETS.getOrDefault(cronOrPreset.trim().toLowerCase(Locale.ROOT), cronOrPreset.trim());
        if (unix.split("\\s+").length != 5) {
            throw new IllegalArgumentException("'" + cronOrPreset + "' is not a cron expression of five fields"
                    + " (minute hour day-of-month month day-of-week) nor a known preset " + PRESETS.keySet());
        }
        try {
            return PARSER.parse(unix).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + cronOrPreset + "' is not a valid cron expression: " + e.getMessage(), e);
        }
    }

    /** The same schedule in Quartz's dialect (a seconds field, Sunday = 1, '?' in one day field). */
    public static String toQuartz(String cronOrPreset) {
        Cron unix = parse(cronOrPreset);
        Cron quartz;
        try {
            quartz = CronMapper.fromUnixToQuartz().map(unix);
        } catch (IllegalArgumentException e) {
            // cron-utils refuses (as Quartz does) an expression that restricts both day fields; say it in the author's terms.
            throw new IllegalArgumentException("'" + cronOrPreset + "' restricts both day-of-month and day-of-week;"
                    + " Gale (through Quartz) supports one of the two per expression", e);
        }
        return quartz.asString();
    }
}
