package com.parley.im.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** The answer to an {@link InternalSendRequest}: one result per send, in the same order. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InternalSendResponse(List<InternalSendResult> results) {}
