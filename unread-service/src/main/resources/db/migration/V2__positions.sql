-- Unread counts derived from positions (ADR 0010): unread = last_seq - read_seq. Every value here
-- only grows (greatest), so a duplicated, replayed or reordered event cannot move it backwards.

-- The seq of the newest message of each conversation (from MessageStored).
create table conversation_position (
  conversation_id text   primary key,
  last_seq        bigint not null
);

-- One row per user and conversation they are or were a member of.
create table member_position (
  user_id         text    not null,
  conversation_id text    not null,
  -- Highest read position seen (ReadPositionMoved, the user's own MessageStored, the joining
  -- message's seq - 1).
  read_seq        bigint  not null default 0,
  -- Whether the user is a member, as of the membership change with seq membership_seq (the seq of
  -- the system message of ConversationChanged; 0 for a direct conversation's creation; -1 while
  -- no membership change was seen). A change with a lower seq than the row's changes nothing.
  active          boolean not null default false,
  membership_seq  bigint  not null default -1,
  muted           boolean not null default false,
  -- Grows with every change of the row: Redis keeps the copy of the highest version, and
  -- ConversationMuteChanged carries it so that message-service keeps the newest flag.
  version         bigint  not null default 1,
  primary key (user_id, conversation_id)
);

create index member_position_by_conversation on member_position (conversation_id)
  where active;
