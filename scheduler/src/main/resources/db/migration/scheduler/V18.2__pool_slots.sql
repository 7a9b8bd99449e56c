-- How many slots of its pool a task instance takes while queued or running (the task's poolSlots).
alter table task_instance add column pool_slots integer not null default 1;
