package dev.gale.scheduler.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.quartz.CronExpression;

class CronExpressionsTest {

    @Test
    void unixCronAndPresetsBecomeValidQuartzExpressionsWithAnyYear() {
        assertThat(CronExpressions.toQuartz("* * * * *")).isEqualTo("0 * * * * ? *");
        assertThat(CronExpressions.toQuartz("30 2 * * 1-5")).isEqualTo("0 30 2 ? * 2-6 *");
        assertThat(CronExpressions.toQuartz("@daily")).isEqualTo("0 0 0 * * ? *");
        assertThat(CronExpressions.toQuartz("@weekly")).isEqualTo("0 0 0 ? * 1 *");
        assertThat(CronExpressions.toQuartz("*/15 * 1 * *")).isEqualTo("0 */15 * 1 * ? *");
        for (String cron : new String[] {"* * * * *", "30 2 * * 1-5", "@monthly", "0 9 * * MON", "0 0 * * 0,6"}) {
            assertThat(CronExpression.isValidExpression(CronExpressions.toQuartz(cron))).as(cron).isTrue();
        }
    }

    @Test
    void bothDayFieldsRestrictedIsRefusedWithAReason() {
        assertThatThrownBy(() -> CronExpressions.toQuartz("0 0 1 * 1"))
                .hasMessageContaining("restricts both day-of-month and day-of-week");
        assertThatThrownBy(() -> CronExpressions.toQuartz("every day"))
                .hasMessageContaining("not a cron expression of five fields");
    }

    @Test
    void theNextFireTimeFollowsTheScheduleInItsTimeZone() {
        Instant after = Instant.parse("2026-03-10T12:00:30Z");
        assertThat(CronExpressions.nextFireAfter("* * * * *", "UTC", after)).contains(Instant.parse("2026-03-10T12:01:00Z"));
        // 02:30 in Paris (UTC+1 in March before the switch) is 01:30 UTC.
        assertThat(CronExpressions.nextFireAfter("30 2 * * *", "Europe/Paris", after))
                .contains(Instant.parse("2026-03-11T01:30:00Z"));
        assertThat(CronExpressions.nextFireAfter("@monthly", "UTC", after)).contains(Instant.parse("2026-04-01T00:00:00Z"));
    }
}
