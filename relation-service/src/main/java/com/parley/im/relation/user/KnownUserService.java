package com.parley.im.relation.user;

import com.parley.im.defaults.consumer.ProcessedEvents;
import com.parley.im.events.UserRegistered;
import com.parley.im.events.UserUpdated;
import com.parley.im.relation.Ids;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Applies user-service's account events to {@code known_user}, each at most once (its id goes into
 * {@code processed_event} in the same transaction) and never letting an older display name
 * overwrite a newer one.
 */
@Service
class KnownUserService {

  private static final Logger log = LoggerFactory.getLogger(KnownUserService.class);

  private final KnownUsers users;
  private final ProcessedEvents processed;

  KnownUserService(KnownUsers users, ProcessedEvents processed) {
    this.users = users;
    this.processed = processed;
  }

  Mono<Void> apply(UserRegistered event) {
    Optional<UUID> id = Ids.parse(event.userId());
    if (id.isEmpty()) {
      log.warn("Ignoring UserRegistered {} with user id {}", event.eventId(), event.userId());
      return Mono.empty();
    }
    return once(
        event.eventId(),
        users.registered(id.get(), event.username(), event.displayName(), event.occurredAt()));
  }

  Mono<Void> apply(UserUpdated event) {
    Optional<UUID> id = Ids.parse(event.userId());
    if (id.isEmpty() || event.displayName() == null) {
      log.warn("Ignoring UserUpdated {} for user {}", event.eventId(), event.userId());
      return Mono.empty();
    }
    return once(event.eventId(), users.updated(id.get(), event.displayName(), event.occurredAt()));
  }

  private Mono<Void> once(String eventId, Mono<Void> effect) {
    return processed.once(eventId, effect).then();
  }
}
