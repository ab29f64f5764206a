package com.parley.im.relation.graph;

import java.time.Instant;
import java.util.UUID;

/** Another user related to the caller (a friend or a blocked user), with its known name. */
public record RelationRow(UUID userId, String displayName, Instant since) {}
