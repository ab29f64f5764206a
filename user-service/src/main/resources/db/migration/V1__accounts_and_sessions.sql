-- Accounts, device sessions and refresh tokens of user-service.
create extension if not exists pg_trgm;

create table app_user (
  id              uuid primary key,
  username        text        not null,
  display_name    text        not null,
  password_hash   text        not null,
  avatar_media_id text,
  bio             text,
  -- Uniform random position, for GET /api/users/discover (see README).
  random_key      double precision not null default random(),
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
);

-- Case-insensitive uniqueness, and exact username lookups (login, search phase 0).
create unique index app_user_username_lower on app_user (lower(username));
-- Display-name prefix search in name order (search phase 1), keyset paging by (name, id).
create index app_user_display_name_lower on app_user ((lower(display_name) collate "C"), id);
-- Display-name substring search (search phase 2).
create index app_user_display_name_trgm on app_user using gin (lower(display_name) gin_trgm_ops);
-- Random sampling (discover).
create index app_user_random_key on app_user (random_key);

create table device_session (
  id             uuid primary key,
  user_id        uuid        not null references app_user (id),
  device_id      text        not null,
  created_at     timestamptz not null default now(),
  revoked_at     timestamptz,
  revoked_reason text
);

-- One active session per device of a user.
create unique index device_session_active on device_session (user_id, device_id)
  where revoked_at is null;

create table refresh_token (
  token_hash text primary key, -- hex SHA-256 of the token; the token itself is never stored
  session_id uuid        not null references device_session (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at    timestamptz
);

create index refresh_token_session on refresh_token (session_id);

-- Friends of each user: the seam for discover's "not yet your friends". Filled later from
-- relation-service's friendship events; empty until then.
create table friend (
  user_id   uuid not null,
  friend_id uuid not null,
  since     timestamptz not null default now(),
  primary key (user_id, friend_id)
);
