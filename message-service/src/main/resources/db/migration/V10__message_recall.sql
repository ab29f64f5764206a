-- Recall (ADR 0006): the seq of the recall message that recalled a message, so a repeated recall
-- answers the same recall message (idempotent) without reading any body.
alter table message add column recall_seq bigint;
