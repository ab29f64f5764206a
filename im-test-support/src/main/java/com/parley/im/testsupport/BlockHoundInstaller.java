package com.parley.im.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound once per test JVM (registered as a JUnit launcher session listener), so a
 * blocking call on an event-loop or parallel thread fails the test that made it. Exceptions go into
 * {@link #ALLOWED}, each with the reason.
 */
public class BlockHoundInstaller implements LauncherSessionListener {

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    BlockHound.install(ALLOWED);
  }

  /** Known, bounded blocking calls of libraries that are not on any request path. */
  private static final reactor.blockhound.integration.BlockHoundIntegration ALLOWED =
      builder ->
          builder
              // Logback writes a line to the console synchronously; logging is not per request.
              .allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes");
}
