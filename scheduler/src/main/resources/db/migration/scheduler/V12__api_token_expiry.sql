-- An API token may expire; null means it works until it is revoked.
alter table api_token add column expires_at timestamptz;
