package com.parley.im.testsupport;

import au.com.dius.pact.provider.junit5.PactVerificationContext;
import org.apache.hc.core5.http.HttpRequest;

/**
 * How a pact writes down the service credential of a call to {@code /internal/**} (ADR 0007, ADR
 * 0027): the consumer test sends its real token and the pact keeps a pattern with a fixed example
 * (so the checked-in file does not change from run to run); the provider verification replaces the
 * example with {@link #valid() a credential the provider accepts}.
 */
public final class PactCredentials {

  public static final String HEADER = "Authorization";

  /** A bearer JWT: three base64url parts. */
  public static final String PATTERN = "Bearer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+";

  /** The example in the pact: well formed, signed by no one. */
  public static final String EXAMPLE =
      "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnYXRld2F5LXNlcnZpY2UifQ.bm90LWEtc2lnbmF0dXJl";

  private PactCredentials() {}

  /** A credential signed with this JVM's service key, for the provider under verification. */
  public static String valid() {
    return TestServiceTokens.authorization();
  }

  /**
   * Replays one interaction of an HTTP pact, its example credential (if it has one) replaced by a
   * valid one: the body of every provider verification's {@code @TestTemplate}.
   */
  public static void verifyWithValidCredential(
      PactVerificationContext context, HttpRequest request) {
    if (request.containsHeader(HEADER)) {
      request.setHeader(HEADER, valid());
    }
    context.verifyInteraction();
  }
}
