-- Transactional outbox shared by the services that opt in (com.parley.im.defaults.outbox).
-- Repeatable and idempotent: add columns with "add column if not exists", never drop.
create table if not exists outbox_event (
  id              bigserial primary key,
  event_id        text        not null unique,
  destination     text        not null,
  event_type      text        not null,
  payload         text        not null,
  created_at      timestamptz not null default now(),
  attempts        integer     not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error      text,
  published_at    timestamptz
);

create index if not exists outbox_event_unpublished
  on outbox_event (id) where published_at is null;

-- W3C trace context of the change that wrote the row, when it was sampled (ADR 0028); the relay
-- sends it as the AMQP header `traceparent`. Null for unsampled changes.
alter table outbox_event add column if not exists traceparent text;

-- The AMQP routing key, when it is not the destination (ADR 0032: message-stored of a message with
-- media is routed as message-stored.media, so media-service's queue is bound to those only).
alter table outbox_event add column if not exists routing_key text;
