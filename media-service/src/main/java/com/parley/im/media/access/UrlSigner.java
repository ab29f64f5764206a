package com.parley.im.media.access;

import com.parley.im.defaults.SecureIds;
import com.parley.im.media.MediaProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Signed download URLs: {@code /api/media/{id}?exp=<epoch seconds>&sig=<base64url HMAC-SHA256 of
 * "id\nexp">}. Anyone holding one may read the item (and its thumbnail) until {@code exp}, without
 * a token, so that {@code <img src>} works. A changed id, expiry or signature fails; so does an
 * expired one. Cannot promise: to revoke a URL before it expires.
 */
@Component
public class UrlSigner {

  private static final Logger log = LoggerFactory.getLogger(UrlSigner.class);
  private static final String HMAC = "HmacSHA256";

  private final SecretKeySpec key;
  private final MediaProperties.Signing signing;
  private final Clock clock;

  @org.springframework.beans.factory.annotation.Autowired
  UrlSigner(MediaProperties properties, SecureIds ids) {
    this(properties.signing(), ids, Clock.systemUTC());
  }

  UrlSigner(MediaProperties.Signing signing, SecureIds ids, Clock clock) {
    this.signing = signing;
    this.clock = clock;
    this.key = new SecretKeySpec(keyBytes(signing, ids), HMAC);
  }

  private static byte[] keyBytes(MediaProperties.Signing signing, SecureIds ids) {
    String text = signing.key();
    if (signing.keyFile() != null && !signing.keyFile().isBlank()) {
      try {
        text = Files.readString(Path.of(signing.keyFile())).strip();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read im.media.signing.key-file", e);
      }
    }
    if (text == null || text.isBlank()) {
      log.warn(
          "No im.media.signing key: signed media URLs use a random key that dies with this"
              + " process (set IM_MEDIA_SIGNING_KEY_FILE to share one between replicas)");
      byte[] random = new byte[32];
      ids.random().nextBytes(random);
      return random;
    }
    byte[] bytes = Base64.getDecoder().decode(text);
    if (bytes.length < 32) {
      throw new IllegalStateException("The media signing key must have at least 32 bytes");
    }
    return bytes;
  }

  /** The query string ({@code exp=...&sig=...}) of a URL for {@code mediaId}, valid from now. */
  public String query(String mediaId) {
    long exp = clock.instant().plus(signing.urlTtl()).getEpochSecond();
    return "exp=" + exp + "&sig=" + sign(mediaId, exp);
  }

  /** When a URL made now expires. */
  public Instant expiresAt() {
    return clock.instant().plus(signing.urlTtl());
  }

  /** Whether {@code exp} and {@code sig} sign {@code mediaId} and have not expired. */
  boolean verify(String mediaId, String exp, String sig) {
    if (exp == null || sig == null || exp.length() > 19) {
      return false;
    }
    long seconds;
    try {
      seconds = Long.parseLong(exp);
    } catch (NumberFormatException e) {
      return false;
    }
    if (clock.instant().getEpochSecond() > seconds) {
      return false;
    }
    return MessageDigest.isEqual(
        sign(mediaId, seconds).getBytes(StandardCharsets.US_ASCII),
        sig.getBytes(StandardCharsets.UTF_8));
  }

  private String sign(String mediaId, long exp) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      byte[] tag = mac.doFinal((mediaId + "\n" + exp).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
