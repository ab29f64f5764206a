-- Event ids this service has already consumed: consumers insert here in the same transaction as
-- their effect, so a redelivered event changes nothing.
create table processed_event (
  event_id     text primary key,
  processed_at timestamptz not null default now()
);

-- The newest friendship change applied per pair of users (user_low < user_high), from
-- relation-service's events. The accepted and removed events travel on different queues, so an
-- older one can arrive after a newer one (a retry, a redelivery); it is then ignored.
create table friend_change (
  user_low   uuid        not null,
  user_high  uuid        not null,
  changed_at timestamptz not null,
  primary key (user_low, user_high)
);
