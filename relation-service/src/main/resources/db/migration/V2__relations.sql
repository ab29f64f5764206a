-- Users relation-service knows of, from user-service's user-registered / user-updated events.
-- changed_at: occurredAt of the newest event applied, so that an older event arriving late (the
-- two events travel on different queues) cannot overwrite a newer display name.
create table known_user (
  id           uuid primary key,
  username     text,
  display_name text,
  changed_at   timestamptz not null
);

-- Friend requests. At most one pending request per (sender, recipient); decided requests stay as
-- history.
create table friend_request (
  id           uuid primary key,
  from_user_id uuid        not null,
  to_user_id   uuid        not null,
  message      text,
  status       text        not null check (status in ('pending', 'accepted', 'rejected', 'cancelled')),
  created_at   timestamptz not null default now(),
  decided_at   timestamptz,
  check (from_user_id <> to_user_id)
);

create unique index friend_request_one_pending on friend_request (from_user_id, to_user_id)
  where status = 'pending';
create index friend_request_incoming on friend_request (to_user_id, created_at)
  where status = 'pending';

-- One row per friendship, keyed by the ordered pair (user_low < user_high): two racing requests
-- cannot make two friendships.
create table friendship (
  user_low   uuid        not null,
  user_high  uuid        not null,
  since      timestamptz not null,
  request_id uuid,
  primary key (user_low, user_high),
  check (user_low < user_high)
);

create index friendship_high on friendship (user_high);

-- blocker_id blocked blocked_id (one direction; both may block each other).
create table user_block (
  blocker_id uuid        not null,
  blocked_id uuid        not null,
  created_at timestamptz not null default now(),
  primary key (blocker_id, blocked_id),
  check (blocker_id <> blocked_id)
);

create index user_block_blocked on user_block (blocked_id);
