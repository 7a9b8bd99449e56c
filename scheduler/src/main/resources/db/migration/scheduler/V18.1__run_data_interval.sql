-- Where a run's data interval starts (it ends at the logical date): the schedule's fire before the
-- logical date, for a run of a cron DAG that has a logical date. Null otherwise; a run with a logical
-- date but no cron schedule has the empty interval [logical_date, logical_date].
alter table dag_run add column data_interval_start timestamptz;
