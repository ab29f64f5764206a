-- The mute flag of each member comes from unread-service's ConversationMuteChanged events (issue 9;
-- unread-service owns mutes). mute_version is the event's version: a late, older event changes
-- nothing.
alter table member add column mute_version bigint not null default 0;
