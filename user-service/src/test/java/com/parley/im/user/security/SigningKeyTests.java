package com.parley.im.user.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import com.parley.im.defaults.SecureIds;
import com.parley.im.user.UserProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PKCS#8 PEM signing key file named by IM_JWT_SIGNING_KEY_FILE. */
class SigningKeyTests {

  @TempDir Path dir;

  @Test
  void loadsAPkcs8PemKeyDerivesItsPublicKeyAndKeepsTheKeyIdStable() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    Path file = dir.resolve("signing.pem");
    Files.writeString(
        file,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");

    SigningKey first = new SigningKey(properties(file), new SecureIds());
    SigningKey second = new SigningKey(properties(file), new SecureIds());

    ECPublicKey expected = (ECPublicKey) pair.getPublic();
    assertThat(first.publicJwk().toECPublicKey().getW()).isEqualTo(expected.getW());
    assertThat(first.publicJwk().getKeyID()).isEqualTo(second.publicJwk().getKeyID());

    AccessTokens tokens = new AccessTokens(first, new SecureIds(), properties(file));
    SignedJWT jwt = SignedJWT.parse(tokens.issue("u", "d", "s").token());
    assertThat(jwt.verify(new ECDSAVerifier(expected))).isTrue();
  }

  @Test
  void refusesAFileThatIsNotAnEcKey() throws Exception {
    Path file = dir.resolve("garbage.pem");
    Files.writeString(file, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> new SigningKey(properties(file), new SecureIds()))
        .isInstanceOf(IllegalStateException.class);
  }

  private static UserProperties properties(Path file) {
    return new UserProperties(
        Duration.ofMinutes(15),
        Duration.ofDays(30),
        file.toString(),
        Duration.ofSeconds(30),
        new UserProperties.PasswordHashing(19456, 2, 1, 1, 1),
        new UserProperties.LoginThrottle(5, 50, Duration.ofMinutes(15), Duration.ofSeconds(60)));
  }
}
