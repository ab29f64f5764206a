package com.parley.im.user.security;

import com.parley.im.user.UserProperties;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Argon2id hashing on a bounded scheduler of its own, never on an event loop. At most {@code
 * maxConcurrent} hashes run at once (which also bounds their memory to {@code memoryKib *
 * maxConcurrent}) and at most {@code maxQueued} wait, in arrival order (a burst of sign-ins is
 * answered, slower); beyond that a request gets 429 {@code rate_limited} with {@code Retry-After}
 * (the service is busy, not down).
 */
@Component
public class PasswordHasher implements DisposableBean {

  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private final Argon2PasswordEncoder encoder;
  private final Scheduler scheduler;
  private final Mono<String> decoy;

  @Autowired
  public PasswordHasher(UserProperties properties) {
    this(properties.passwordHashing());
  }

  public PasswordHasher(UserProperties.PasswordHashing cost) {
    encoder =
        new Argon2PasswordEncoder(
            SALT_BYTES, HASH_BYTES, cost.parallelism(), cost.memoryKib(), cost.iterations());
    scheduler =
        Schedulers.newBoundedElastic(
            cost.maxConcurrent(), cost.maxQueued(), "password-hashing", 60, true);
    // Compared against when the username is unknown, so both answers take the same time.
    // Cached once computed (a failure is not cached); started now, in the background.
    decoy =
        onScheduler(() -> encoder.encode("no such user, same cost"))
            .cache(
                hash -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
    decoy.subscribe(hash -> {}, e -> {}); // a failure here surfaces again on first use
  }

  public Mono<String> hash(CharSequence raw) {
    return onScheduler(() -> encoder.encode(raw));
  }

  /**
   * Whether {@code raw} matches {@code encoded}. When {@code encoded} is null (no such user) the
   * same work is done against a decoy hash and the answer is false.
   */
  public Mono<Boolean> matches(CharSequence raw, String encoded) {
    if (encoded == null) {
      return decoy.flatMap(d -> onScheduler(() -> encoder.matches(raw, d))).thenReturn(false);
    }
    return onScheduler(() -> encoder.matches(raw, encoded));
  }

  private <T> Mono<T> onScheduler(java.util.concurrent.Callable<T> work) {
    return Mono.fromCallable(work)
        .subscribeOn(scheduler)
        .onErrorMap(RejectedExecutionException.class, e -> new HashingBusyException());
  }

  @Override
  public void destroy() {
    scheduler.dispose();
  }
}
