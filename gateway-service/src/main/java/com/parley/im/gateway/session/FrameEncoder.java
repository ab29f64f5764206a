package com.parley.im.gateway.session;

import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Serialises server frames (the records of {@code com.parley.im.protocol.Frames}) to JSON text. */
@Component
public class FrameEncoder {

  private final JsonMapper json;

  public FrameEncoder(JsonMapper json) {
    this.json = json;
  }

  public String encode(Object frame) {
    return json.writeValueAsString(frame);
  }
}
