package com.parley.im.testsupport.pact;

import au.com.dius.pact.core.model.V4Interaction;
import au.com.dius.pact.provider.MessageAndMetadata;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Translations between Pact's messages and the broker's (ADR 0011). Pact's metadata key {@code
 * contentType} is Spring's {@link MessageHeaders#CONTENT_TYPE} and the AMQP content type; every
 * other metadata entry is a message header.
 */
public final class PactMessages {

  /** The metadata key of the content type, as Pact and Spring Messaging both spell it. */
  public static final String CONTENT_TYPE = MessageHeaders.CONTENT_TYPE;

  private PactMessages() {}

  /** The pact's message as the binder hands it on: its bytes, its metadata as headers. */
  public static Message<byte[]> toMessage(V4Interaction.AsynchronousMessage message) {
    byte[] body = message.getContents().getContents().getValue();
    return MessageBuilder.withPayload(body == null ? new byte[0] : body)
        .copyHeaders(message.getContents().getMetadata())
        .build();
  }

  /**
   * A message as it arrived from the broker (a test's own queue on the producer's exchange), for a
   * provider verification: its body, its content type and every header the producer set.
   */
  public static MessageAndMetadata fromAmqp(org.springframework.amqp.core.Message message) {
    MessageProperties properties = message.getMessageProperties();
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put(CONTENT_TYPE, properties.getContentType());
    properties.getHeaders().forEach((key, value) -> metadata.put(key, String.valueOf(value)));
    return new MessageAndMetadata(message.getBody(), metadata);
  }
}
