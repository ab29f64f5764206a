package com.parley.im.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Access tokens for a service's tests, shaped like user-service's (ES256, header {@code kid},
 * claims {@code iss=parley}, {@code sub}, {@code did}, {@code sid}, {@code iat}, {@code exp},
 * {@code jti}) but signed with an EC P-256 key generated once per JVM.
 *
 * <p>A test context trusts that key through the service's real verification path: {@link #register}
 * points {@code im.security.jwk-set-uri} at a tiny JWK-set server on 127.0.0.1 (started once per
 * JVM) that serves the public key. Tokens from user-service itself stay the real thing in the
 * system tests.
 */
public final class TestTokens {

  /** The issuer that Parley services require. */
  public static final String ISSUER = "parley";

  private static final ECKey KEY = generate("test-" + UUID.randomUUID());
  private static volatile String jwkSetUri;

  private TestTokens() {}

  /** A valid 15-minute token of this user and device (a fresh session id). */
  public static String accessToken(String userId, String deviceId) {
    return accessToken(userId, deviceId, Instant.now(), Duration.ofMinutes(15));
  }

  /** A token issued at {@code issuedAt} that lives {@code ttl} (past instants make it expired). */
  public static String accessToken(String userId, String deviceId, Instant issuedAt, Duration ttl) {
    return sign(KEY, userId, deviceId, issuedAt, ttl);
  }

  /** A token that expired an hour ago. */
  public static String expiredAccessToken(String userId, String deviceId) {
    return accessToken(userId, deviceId, Instant.now().minusSeconds(7200), Duration.ofMinutes(15));
  }

  /** A well-formed token signed by a key that no service trusts. */
  public static String foreignAccessToken(String userId, String deviceId) {
    return sign(generate("foreign"), userId, deviceId, Instant.now(), Duration.ofMinutes(15));
  }

  /** Makes the context verify tokens against this JVM's test key. */
  public static void register(DynamicPropertyRegistry registry) {
    registry.add("im.security.jwk-set-uri", TestTokens::jwkSetUri);
  }

  /** The address of the JWK-set server (started on first use). */
  public static String jwkSetUri() {
    String uri = jwkSetUri;
    if (uri == null) {
      synchronized (TestTokens.class) {
        uri = jwkSetUri;
        if (uri == null) {
          uri = startJwkSetServer();
          jwkSetUri = uri;
        }
      }
    }
    return uri;
  }

  private static String startJwkSetServer() {
    byte[] body = new JWKSet(KEY.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/jwks",
          exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            // No keep-alive: a client must not reuse a connection this server may have closed.
            exchange.getResponseHeaders().set("Connection", "close");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.setExecutor(
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "test-jwks");
                t.setDaemon(true);
                return t;
              }));
      server.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "test-jwks-stop"));
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the test JWK-set server", e);
    }
  }

  private static String sign(
      ECKey key, String userId, String deviceId, Instant issuedAt, Duration ttl) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .subject(userId)
            .claim("did", deviceId)
            .claim("sid", UUID.randomUUID().toString())
            .issueTime(Date.from(issuedAt))
            .expirationTime(Date.from(issuedAt.plus(ttl)))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT)
                .keyID(key.getKeyID())
                .build(),
            claims);
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot sign a test token", e);
    }
    return jwt.serialize();
  }

  private static ECKey generate(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot generate the test key", e);
    }
  }
}
