package com.parley.im.user.security;

import java.time.Duration;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Public keys that verify access tokens (public, cacheable). */
@RestController
class JwksController {

  private final SigningKey key;

  JwksController(SigningKey key) {
    this.key = key;
  }

  @GetMapping("/api/auth/jwks")
  ResponseEntity<Map<String, Object>> jwks() {
    return ResponseEntity.ok()
        .cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
        .body(key.jwkSet());
  }
}
