-- The W3C traceparent of the span that created the run (null when nothing traced it), so that the claims of its
-- task instances, made by any API replica, continue the run's trace.
alter table dag_run add column traceparent text;
