-- One row per media item. The bytes are in the blob store under storage_key (and the thumbnail's
-- under thumbnail_key); a row is written only after its bytes were committed there, so a row
-- never names bytes that are not all stored.
create table media (
  media_id       text primary key,
  owner_id       text not null,
  category       text not null,  -- image, voice, video, file: which size limit applied
  content_type   text not null,  -- detected from the bytes
  size           bigint not null,
  sha256         text not null,  -- hex
  width          integer,
  height         integer,
  duration_ms    bigint,
  name           text,           -- the file name the client gave, for Content-Disposition
  storage_key    text not null,
  thumbnail_key  text,
  thumbnail_type text,
  thumbnail_size bigint,
  created_at     timestamptz not null default now(),
  -- The same bytes uploaded again by the same user are the same item (hash dedup).
  constraint media_owner_sha256 unique (owner_id, sha256)
);

-- Conversations in which a message carrying the media was sent (from message-service's
-- MessageStored events): their members may download it.
create table media_conversation (
  media_id        text not null,
  conversation_id text not null,
  primary key (media_id, conversation_id)
);

-- message-service's members of each conversation (from ConversationChanged events): the newest
-- change per conversation wins.
create table conversation (
  conversation_id text primary key,
  changed_at      timestamptz not null
);

create table conversation_member (
  conversation_id text not null,
  user_id         text not null,
  primary key (conversation_id, user_id)
);
create index conversation_member_user on conversation_member (user_id);
