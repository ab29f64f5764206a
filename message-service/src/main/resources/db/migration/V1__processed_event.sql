-- Event ids this service has already consumed: consumers insert here in the same transaction as
-- their effect, so a redelivered event changes nothing.
create table processed_event (
  event_id     text primary key,
  processed_at timestamptz not null default now()
);
