package com.parley.im.testsupport;

import com.parley.im.defaults.serviceauth.ServiceTokens;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Service credentials for tests (ADR 0007): one ephemeral service key per JVM, given to the test
 * context by {@link #register} ({@link TestInfrastructure#registerAll} does it), and tokens signed
 * with it, or deliberately wrong ones.
 */
public final class TestServiceTokens {

  private static final String KEY = randomKey();
  private static final ServiceTokens TOKENS = ServiceTokens.of(KEY, "test", Duration.ofMinutes(5));
  private static final ServiceTokens FOREIGN =
      ServiceTokens.of(randomKey(), "test", Duration.ofMinutes(5));

  private TestServiceTokens() {}

  /** The context under test shares this JVM's service key. */
  public static void register(DynamicPropertyRegistry registry) {
    registry.add("im.service-auth.key", () -> KEY);
  }

  /** The JVM's service key (base64), for a process or stand-in that must share it. */
  public static String key() {
    return KEY;
  }

  /** A valid {@code Authorization} header value. */
  public static String authorization() {
    return TOKENS.authorization();
  }

  /** A header value with a token signed by another key. */
  public static String signedWithAnotherKey() {
    return FOREIGN.authorization();
  }

  /** A header value with a token of the right key that expired ten minutes ago. */
  public static String expired() {
    Instant now = Instant.now();
    return "Bearer " + TOKENS.sign(now.minusSeconds(900), now.minusSeconds(600));
  }

  private static String randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }
}
