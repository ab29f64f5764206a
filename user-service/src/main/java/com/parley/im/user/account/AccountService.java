package com.parley.im.user.account;

import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.SecureIds;
import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.events.Destinations;
import com.parley.im.events.UserRegistered;
import com.parley.im.events.UserUpdated;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.user.account.AccountRecords.DiscoverPage;
import com.parley.im.user.account.AccountRecords.MyProfile;
import com.parley.im.user.account.AccountRecords.PublicProfile;
import com.parley.im.user.account.AccountRecords.RegisterRequest;
import com.parley.im.user.account.AccountRecords.RegisteredUser;
import com.parley.im.user.account.AccountRecords.SearchPage;
import com.parley.im.user.account.AccountRecords.UpdateProfileRequest;
import com.parley.im.user.security.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Accounts and profiles: registration, the caller's own profile, public profiles, search and
 * discover. Changes and their events ({@code UserRegistered}, {@code UserUpdated}) commit together
 * through the outbox.
 */
@Service
class AccountService {

  static final int SEARCH_DEFAULT_LIMIT = 20;
  static final int SEARCH_MAX_LIMIT = 50;
  static final int DISCOVER_DEFAULT_LIMIT = 10;
  static final int DISCOVER_MAX_LIMIT = 50;
  static final int QUERY_MAX = 64;

  /** Substring matching needs whole trigrams; shorter queries match usernames and prefixes. */
  static final int SUBSTRING_MIN = 3;

  private final AccountRepository accounts;
  private final PasswordHasher hasher;
  private final Outbox outbox;
  private final SecureIds ids;
  private final TransactionalOperator tx;

  AccountService(
      AccountRepository accounts,
      PasswordHasher hasher,
      Outbox outbox,
      SecureIds ids,
      ReactiveTransactionManager transactions) {
    this.accounts = accounts;
    this.hasher = hasher;
    this.outbox = outbox;
    this.ids = ids;
    this.tx = TransactionalOperator.create(transactions);
  }

  Mono<RegisteredUser> register(RegisterRequest request) {
    String displayName = request.displayName().strip();
    // Checked first so that a taken name costs no hashing; the unique index decides races.
    return accounts
        .usernameExists(request.username())
        .flatMap(taken -> taken ? Mono.error(taken()) : hasher.hash(request.password()))
        .flatMap(
            hash ->
                tx.transactional(
                    accounts
                        .insert(ids.uuid(), request.username(), displayName, hash)
                        .flatMap(
                            user ->
                                outbox
                                    .append(
                                        Destinations.USER_REGISTERED,
                                        new UserRegistered(
                                            ids.uuid().toString(),
                                            Instant.now(),
                                            user.id().toString(),
                                            user.username(),
                                            user.displayName()))
                                    .thenReturn(user))))
        .onErrorMap(DataIntegrityViolationException.class, e -> taken())
        .map(
            user ->
                new RegisteredUser(
                    user.id().toString(), user.username(), user.displayName(), user.createdAt()));
  }

  Mono<MyProfile> me(String userId) {
    return findUser(userId).map(UserRow::toMine);
  }

  Mono<PublicProfile> profile(String userId) {
    return findUser(userId).map(UserRow::toPublic);
  }

  Mono<MyProfile> update(String userId, UpdateProfileRequest request) {
    UUID id = parse(userId).orElseThrow(ApiExceptions::noSuchUser);
    String displayName = request.displayName() == null ? null : request.displayName().strip();
    if (displayName == null && request.avatarMediaId() == null && request.bio() == null) {
      return me(userId);
    }
    return tx.transactional(
            accounts
                .update(id, displayName, request.avatarMediaId(), request.bio())
                .switchIfEmpty(Mono.error(ApiExceptions::noSuchUser))
                .flatMap(
                    user ->
                        outbox
                            .append(
                                Destinations.USER_UPDATED,
                                new UserUpdated(
                                    ids.uuid().toString(),
                                    Instant.now(),
                                    user.id().toString(),
                                    user.displayName(),
                                    user.avatarMediaId(),
                                    user.bio()))
                            .thenReturn(user)))
        .map(UserRow::toMine);
  }

  /**
   * Exact username first, then display names that start with q, then (for q of at least {@value
   * #SUBSTRING_MIN} characters) display names that contain it; each group in (lower-case name, id)
   * order. The cursor remembers the group and the last key, so paging never repeats or skips a user
   * while the data stands still.
   */
  Mono<SearchPage> search(String rawQuery, Integer rawLimit, String rawCursor) {
    String q = rawQuery == null ? "" : rawQuery.strip();
    if (q.isEmpty() || q.length() > QUERY_MAX || q.chars().anyMatch(Character::isISOControl)) {
      return Mono.error(invalid("q must be 1-" + QUERY_MAX + " printable characters"));
    }
    int limit;
    SearchCursor cursor;
    try {
      limit = limit(rawLimit, SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT);
      cursor = rawCursor == null || rawCursor.isBlank() ? null : SearchCursor.decode(rawCursor);
    } catch (ApiException e) {
      return Mono.error(e);
    }
    int phase = cursor == null ? -1 : cursor.phase();
    int fetch = limit + 1;
    Flux<Phased> exact =
        phase < 0 ? accounts.exactUsername(q).map(h -> new Phased(0, h)) : Flux.empty();
    Flux<Phased> prefix =
        phase <= 1
            ? Flux.defer(
                    () ->
                        phase == 1
                            ? accounts.displayNamePrefix(q, cursor.dn(), cursor.id(), fetch)
                            : accounts.displayNamePrefix(q, null, null, fetch))
                .map(h -> new Phased(1, h))
            : Flux.empty();
    Flux<Phased> substring =
        q.length() >= SUBSTRING_MIN
            ? Flux.defer(
                    () ->
                        phase == 2
                            ? accounts.displayNameSubstring(q, cursor.dn(), cursor.id(), fetch)
                            : accounts.displayNameSubstring(q, null, null, fetch))
                .map(h -> new Phased(2, h))
            : Flux.empty();
    // concat: the groups in order, each queried only when the previous did not fill the page.
    return Flux.concat(exact, prefix, substring)
        .take(fetch)
        .collectList()
        .map(
            hits -> {
              List<Phased> page = hits.size() > limit ? hits.subList(0, limit) : hits;
              String next = null;
              if (hits.size() > limit) {
                Phased last = page.get(page.size() - 1);
                next =
                    new SearchCursor(last.phase(), last.hit().dn(), last.hit().user().id())
                        .encode();
              }
              return new SearchPage(
                  page.stream().map(p -> p.hit().user().toPublic()).toList(), next);
            });
  }

  private record Phased(int phase, AccountRepository.Hit hit) {}

  /**
   * A random sample: a random point in the {@code random_key} index and the next n users from there
   * (wrapping around at the end). Neither the caller nor the caller's friends.
   */
  Mono<DiscoverPage> discover(String userId, Integer rawLimit) {
    int limit;
    try {
      limit = limit(rawLimit, DISCOVER_DEFAULT_LIMIT, DISCOVER_MAX_LIMIT);
    } catch (ApiException e) {
      return Mono.error(e);
    }
    UUID self = parse(userId).orElseThrow(ApiExceptions::noSuchUser);
    double from = ThreadLocalRandom.current().nextDouble();
    return accounts
        .sample(self, from, false, limit)
        .collectList()
        .flatMap(
            above ->
                above.size() >= limit
                    ? Mono.just(above)
                    : accounts
                        .sample(self, from, true, limit - above.size())
                        .collectList()
                        .map(
                            below ->
                                java.util.stream.Stream.concat(above.stream(), below.stream())
                                    .toList()))
        .map(users -> new DiscoverPage(users.stream().map(UserRow::toPublic).toList()));
  }

  private Mono<UserRow> findUser(String userId) {
    return parse(userId)
        .map(accounts::findById)
        .orElseGet(Mono::empty)
        .switchIfEmpty(Mono.error(ApiExceptions::noSuchUser));
  }

  private static int limit(Integer raw, int fallback, int max) {
    if (raw == null) {
      return fallback;
    }
    if (raw < 1) {
      throw invalid("limit must be at least 1");
    }
    return Math.min(raw, max);
  }

  static Optional<UUID> parse(String id) {
    try {
      return Optional.of(UUID.fromString(id));
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
  }

  private static ApiException taken() {
    return ApiException.conflict(ErrorCodes.USERNAME_TAKEN, "That username is taken.");
  }

  static ApiException invalid(String detail) {
    return ApiException.badRequest(ErrorCodes.VALIDATION_FAILED, detail);
  }

  private static final class ApiExceptions {
    static ApiException noSuchUser() {
      return ApiException.notFound(ErrorCodes.NOT_FOUND, "No such user.");
    }
  }

  /** Opaque search position: group, lower-case display name and id of the last user shown. */
  record SearchCursor(int phase, String dn, UUID id) {

    String encode() {
      String raw = phase + "\n" + id + "\n" + (dn == null ? "" : dn);
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static SearchCursor decode(String cursor) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        String[] parts = raw.split("\n", 3);
        int phase = Integer.parseInt(parts[0]);
        if (parts.length != 3 || phase < 0 || phase > 2) {
          throw new IllegalArgumentException(cursor);
        }
        return new SearchCursor(phase, parts[2], UUID.fromString(parts[1]));
      } catch (IllegalArgumentException e) {
        throw invalid("cursor is not valid");
      }
    }
  }
}
