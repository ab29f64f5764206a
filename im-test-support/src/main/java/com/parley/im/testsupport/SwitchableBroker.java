package com.parley.im.testsupport;

import com.parley.im.defaults.outbox.OutboxMessage;
import com.parley.im.defaults.outbox.OutboxPublisher;
import com.parley.im.defaults.outbox.StreamBridgeOutboxPublisher;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.stream.function.StreamBridge;

/**
 * The real outbox publisher (StreamBridge with confirms), which a test can make fail as if the
 * broker were unreachable. Import it into a test context that uses the outbox.
 */
public class SwitchableBroker implements OutboxPublisher {

  private volatile OutboxPublisher delegate;
  private volatile boolean down;

  @Autowired
  void setStreamBridge(StreamBridge streamBridge) {
    delegate = new StreamBridgeOutboxPublisher(streamBridge, Duration.ofSeconds(5));
  }

  public void down(boolean down) {
    this.down = down;
  }

  @Override
  public void publish(OutboxMessage message) {
    if (down) {
      throw new IllegalStateException("broker unreachable (test switch)");
    }
    delegate.publish(message);
  }
}
