-- When each user was last online (durable; Redis holds only the live routing table). Written on
-- every online/offline transition, never moved backwards.
create table last_seen (
  user_id      uuid        primary key,
  last_seen_at timestamptz not null
);

-- Friendships, both directions, from relation-service's events (presence frames go to online
-- friends; GET /api/presence answers only for friends).
create table friend (
  user_id   uuid        not null,
  friend_id uuid        not null,
  since     timestamptz not null,
  primary key (user_id, friend_id)
);

-- The newest friendship change applied per pair (user_low < user_high): an older accepted or
-- removed event that arrives late (another queue, a retry) is ignored.
create table friend_change (
  user_low   uuid        not null,
  user_high  uuid        not null,
  changed_at timestamptz not null,
  primary key (user_low, user_high)
);
