package com.parley.im.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Installs BlockHound once per test JVM (registered as a JUnit launcher session listener), so a
 * blocking call on an event-loop or parallel thread fails the test that made it. Every such call is
 * also logged with its stack: an error thrown deep inside a library callback (a DNS lookup, a
 * pipeline handler) may never reach a subscriber, and then the log is the only trace of why a
 * request hung. Exceptions go into {@link #ALLOWED}, each with the reason.
 */
public class BlockHoundInstaller implements LauncherSessionListener {

  private static final Logger log = LoggerFactory.getLogger(BlockHoundInstaller.class);

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    BlockHound.install(
        ALLOWED,
        builder ->
            builder.blockingMethodCallback(
                method -> {
                  BlockingOperationError error = new BlockingOperationError(method);
                  log.error("Blocking call on a non-blocking thread", error);
                  throw error;
                }));
  }

  /** Known, bounded blocking calls of libraries. */
  private static final BlockHoundIntegration ALLOWED =
      builder ->
          builder
              // Logback writes a line to the console synchronously; logging is not per request.
              .allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes")
              // SecureRandom reads /dev/urandom, which never waits once the kernel is seeded.
              // Libraries draw from it on event loops (Netty's DNS resolver for query ids when a
              // test client resolves "localhost"); an error thrown there never reaches the request,
              // which then hangs until its timeout. Our own code uses a DRBG seeded at start-up.
              .allowBlockingCallsInside("java.security.SecureRandom", "nextBytes")
              .allowBlockingCallsInside("java.security.SecureRandom", "generateSeed")
              // Lettuce guards each command write with a ReentrantLock held for microseconds;
              // two threads writing to the shared connection at once park briefly. An error thrown
              // there leaves Lettuce's writer count broken and every later Redis command of the
              // JVM hangs (seen in message-service's tests under load).
              .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters")
              .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "decrementWriters")
              .allowBlockingCallsInside(
                  "io.lettuce.core.protocol.SharedLock", "lockWritersExclusive")
              .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "doExclusive")
              // Spring Data Redis hands out its one shared connection under a lock; threads that
              // ask at the same moment park briefly (connecting happens once, at start-up).
              .allowBlockingCallsInside(
                  "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
                  "doInLock")
              // A Lua script's SHA-1 is read under a lock on every call (computed once); calls at
              // the same moment park for microseconds (seen with 20 concurrent sends in CI).
              .allowBlockingCallsInside(
                  "org.springframework.data.redis.core.script.DefaultRedisScript", "getSha1")
              // Jackson builds a type's deserializer once, under a lock; two event loops parsing
              // their first frame at the same moment park for microseconds (seen in the gateway's
              // tests: the error ended a socket's reading and its frames went unanswered).
              .allowBlockingCallsInside(
                  "tools.jackson.databind.deser.DeserializerCache",
                  "_createAndCacheValueDeserializer")
              // A finished span is queued for export under the queue's lock (held for an offer);
              // spans end on event loops, inside Lettuce's handler too, where an error thrown
              // breaks the Redis connection (seen in message-service's tests in CI).
              .allowBlockingCallsInside(
                  "io.opentelemetry.sdk.trace.export.BatchSpanProcessor$Worker", "addSpan");
}
