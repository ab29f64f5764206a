package com.parley.im.user.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.parley.im.defaults.SecureIds;
import com.parley.im.user.UserProperties;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The EC P-256 key that signs access tokens (ES256). Loaded from the PKCS#8 PEM file named by
 * {@code im.user.signing-key-file}; without one, an ephemeral key is generated at start-up (tokens
 * then die with the process, and replicas do not share it: fine for tests, not for deployments).
 * The key id is the RFC 7638 thumbprint of the public key, so it is stable for a given file.
 */
@Component
public class SigningKey {

  private static final Logger log = LoggerFactory.getLogger(SigningKey.class);

  private final ECKey publicJwk;
  private final JWSSigner signer;

  public SigningKey(UserProperties properties, SecureIds ids) {
    KeyPair pair = load(properties.signingKeyFile());
    try {
      publicJwk =
          new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.ES256)
              .keyIDFromThumbprint()
              .build();
      ECDSASigner ecdsa = new ECDSASigner((ECPrivateKey) pair.getPrivate());
      // The signature nonce comes from the seeded DRBG, never from /dev/urandom on an event loop.
      ecdsa.getJCAContext().setSecureRandom(ids.random());
      signer = ecdsa;
    } catch (JOSEException e) {
      throw new IllegalStateException("Unusable signing key", e);
    }
  }

  /** The public key as a JWK (with {@code kid}). */
  public ECKey publicJwk() {
    return publicJwk;
  }

  /** The JWK set that {@code GET /api/auth/jwks} serves. */
  public Map<String, Object> jwkSet() {
    return new JWKSet(publicJwk).toJSONObject(true);
  }

  JWSSigner signer() {
    return signer;
  }

  private static KeyPair load(String file) {
    if (file == null || file.isBlank()) {
      log.warn(
          "No im.user.signing-key-file (IM_JWT_SIGNING_KEY_FILE) set: signing access tokens with an"
              + " ephemeral key. Tokens will not survive a restart or work across replicas.");
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("Cannot generate an EC key", e);
      }
    }
    try {
      String pem = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
      String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
      ECPrivateKey privateKey =
          (ECPrivateKey)
              KeyFactory.getInstance("EC")
                  .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
      if (privateKey.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new IllegalStateException("The signing key must be on curve P-256: " + file);
      }
      return new KeyPair(publicKeyOf(privateKey), privateKey);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("Cannot read the PKCS#8 EC signing key " + file, e);
    }
  }

  /** Q = d * G: a PKCS#8 file need not carry the public key, so it is derived. */
  private static ECPublicKey publicKeyOf(ECPrivateKey privateKey) throws GeneralSecurityException {
    ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec("secp256r1");
    org.bouncycastle.math.ec.ECPoint q = curve.getG().multiply(privateKey.getS()).normalize();
    BigInteger x = q.getAffineXCoord().toBigInteger();
    BigInteger y = q.getAffineYCoord().toBigInteger();
    return (ECPublicKey)
        KeyFactory.getInstance("EC")
            .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), privateKey.getParams()));
  }
}
