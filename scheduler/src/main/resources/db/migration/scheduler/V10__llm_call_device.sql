-- Where an in-process model ran a call ("cpu", or "gpu:0" as nvidia-smi numbers the GPU); null for a
-- call to a provider's server. Frozen once released.

alter table llm_call add column device text;
