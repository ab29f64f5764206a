-- Resumable uploads (tus 1.0.0) while they arrive. The bytes so far are in the staging folder as
-- <upload_id>.tus; upload_offset counts only bytes written there. A row whose expires_at passed is
-- deleted with its file by the sweeper.
create table upload (
  upload_id      text primary key,
  owner_id       text not null,
  upload_length  bigint not null,
  upload_offset  bigint not null default 0,
  name           text,
  -- Set while one PATCH appends (a second one at the same time is refused 409); a crashed
  -- PATCH's claim counts as released after an hour.
  patching_since timestamptz,
  expires_at     timestamptz not null,
  created_at     timestamptz not null default now()
);
create index upload_expires on upload (expires_at);

-- A finished tus upload whose bytes the owner had already uploaded: its id (the last segment of
-- its upload URL, which the client uses as mediaId) names the existing item.
create table media_alias (
  media_id  text primary key,
  target_id text not null references media (media_id) on delete cascade
);
