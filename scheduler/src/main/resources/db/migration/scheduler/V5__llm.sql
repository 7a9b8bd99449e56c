-- common.llm: every model call a task made, for cost accounting per task instance and run, and for
-- replaying a retried attempt's identical calls. Flyway applies this in the schema "gale"; frozen
-- once released.

create table llm_call (
    id               bigint generated always as identity primary key,
    task_instance_id bigint      not null references task_instance (id) on delete cascade,
    attempt          integer     not null,
    provider         text        not null,
    model            text        not null,
    input_tokens     bigint      not null,
    output_tokens    bigint      not null,
    cost_micro_usd   bigint      not null,
    latency_ms       bigint      not null,
    outcome          text        not null check (outcome in ('success', 'replayed', 'rate_limited', 'error')),
    choice_reasons   text        not null,
    -- Identifies identical calls (model, messages, parameters); empty when replay is off.
    call_hash        text        not null,
    -- The response of a successful call, kept for replay.
    response_json    text,
    error            text,
    recorded_at      timestamptz not null
);

create index llm_call_ti_idx on llm_call (task_instance_id, call_hash);
