-- Conversations, members and messages (ADR 0006).
-- change_xid: the transaction that last changed the row (pg_current_xact_id()); the sync token
-- of GET /api/conversations is a snapshot's xmin, so a row changed by a transaction that was still
-- running when a token was issued is returned again by the next sync, never missed.

create table conversation (
  id            text primary key,
  type          text        not null check (type in ('direct', 'group')),
  name          text,
  -- Seq of the newest message; the row is locked by "update ... set last_seq = last_seq + n"
  -- while a transaction inserts messages, which serialises seq allocation per conversation.
  last_seq      bigint      not null default 0,
  member_count  integer     not null default 0,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  change_xid    xid8        not null default pg_current_xact_id()
);

create index conversation_change on conversation (change_xid);

create table member (
  conversation_id text        not null references conversation (id),
  user_id         text        not null,
  role            text        not null check (role in ('owner', 'admin', 'member')),
  -- The member reads messages with seq >= from_seq (the system message of their joining; 1 for
  -- direct conversations and group creators). Rows stay after leaving: left_at is then set and
  -- the member neither reads nor receives the conversation any more.
  from_seq        bigint      not null default 1,
  read_seq        bigint      not null default 0,
  muted           boolean     not null default false,
  joined_at       timestamptz not null default now(),
  left_at         timestamptz,
  change_xid      xid8        not null default pg_current_xact_id(),
  primary key (conversation_id, user_id)
);

create index member_by_user on member (user_id, conversation_id);
create index member_change on member (user_id, change_xid);

-- One row per message. Bodies are encrypted (AES-GCM): body = ciphertext with tag, nonce = the
-- 12-byte IV, key_id names the key of the configured key ring, so keys can rotate.
create table message (
  conversation_id  text        not null references conversation (id),
  seq              bigint      not null,
  id               text        not null unique,
  sender_id        text        not null,
  sender_device_id text,
  client_msg_id    text,
  kind             text        not null,
  key_id           text,
  nonce            bytea,
  body             bytea,
  created_at       timestamptz not null default now(),
  recalled_at      timestamptz,
  primary key (conversation_id, seq)
);

-- Idempotency: one sender, one client message id, one message, whatever the conversation.
create unique index message_idempotency on message (sender_id, client_msg_id)
  where client_msg_id is not null;

-- Per-device delivery position: "this device has everything up to delivered_seq".
create table device_position (
  conversation_id text   not null,
  user_id         text   not null,
  device_id       text   not null,
  delivered_seq   bigint not null,
  updated_at      timestamptz not null default now(),
  primary key (conversation_id, user_id, device_id)
);

-- Projections of relation-service's events (newest change per pair wins, by occurred_at).
create table friendship (
  user_low    text        not null,
  user_high   text        not null,
  friends     boolean     not null,
  changed_at  timestamptz not null,
  primary key (user_low, user_high)
);

create table block (
  blocker_id  text        not null,
  blocked_id  text        not null,
  blocked     boolean     not null,
  changed_at  timestamptz not null,
  primary key (blocker_id, blocked_id)
);
