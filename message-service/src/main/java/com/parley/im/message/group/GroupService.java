package com.parley.im.message.group;

import com.parley.im.defaults.SecureIds;
import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.events.ConversationChanged;
import com.parley.im.events.Destinations;
import com.parley.im.message.group.GroupRecords.AddMembers;
import com.parley.im.message.group.GroupRecords.CreateGroup;
import com.parley.im.message.group.GroupRecords.GroupView;
import com.parley.im.message.group.GroupRecords.SetRole;
import com.parley.im.message.group.GroupRecords.UpdateGroup;
import com.parley.im.message.group.GroupStore.LockedGroup;
import com.parley.im.message.store.MessageStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Groups: create, add, remove, leave, rename, roles.
 *
 * <p>Promises: each change is one transaction under the group's row lock that writes the member
 * rows, the conversation row ({@code member_count}, {@code change_xid}, {@code updated_at}), one
 * {@code system} message (its own seq, through {@link MessageStore#appendSystem}; the store's
 * fan-out pushes it to the members) and one {@link ConversationChanged} in the outbox; all or none
 * of it commits. A member added by a change reads from that change's system message on ({@code
 * from_seq}); a removed member stops reading and receiving at once ({@code left_at}). After the
 * commit, a {@code conversation} frame goes to the members concerned ({@link GroupNotices}, best
 * effort). A request that changes nothing (adding members who are members, renaming to the same
 * name, giving a role someone has) writes nothing.
 */
@Service
class GroupService {

  private final GroupStore store;
  private final MessageStore messages;
  private final Outbox outbox;
  private final SecureIds ids;
  private final GroupProperties properties;
  private final GroupNotices notices;
  private final GroupMembershipCache cache;
  private final TransactionalOperator tx;

  GroupService(
      GroupStore store,
      MessageStore messages,
      Outbox outbox,
      SecureIds ids,
      GroupProperties properties,
      GroupNotices notices,
      GroupMembershipCache cache,
      ReactiveTransactionManager transactions) {
    this.store = store;
    this.messages = messages;
    this.outbox = outbox;
    this.ids = ids;
    this.properties = properties;
    this.notices = notices;
    this.cache = cache;
    this.tx = TransactionalOperator.create(transactions);
  }

  Mono<GroupView> create(String me, CreateGroup request) {
    return Mono.defer(
        () -> {
          String name = GroupRules.validName(request.name());
          Set<String> invited = GroupRules.distinctUserIds(request.memberIds(), me);
          String id = "g_" + ids.token(16);
          Mono<GroupChange> change =
              requireFriends(me, invited)
                  .then(
                      Mono.fromRunnable(
                          () ->
                              GroupRules.requireFits(
                                  1 + invited.size(), properties.groupMaxMembers())))
                  .then(store.insertGroup(id, name))
                  .then(
                      messages.appendSystem(
                          id, me, body("created", me, List.copyOf(invited), name, null)))
                  .flatMap(
                      message ->
                          store
                              .join(id, List.of(me), GroupRole.OWNER, message.seq(), message.seq())
                              .then(
                                  store.join(
                                      id,
                                      invited,
                                      GroupRole.MEMBER,
                                      message.seq(),
                                      message.seq() - 1))
                              .then(
                                  record(
                                      id,
                                      "created",
                                      name,
                                      message.seq(),
                                      concat(List.of(me), invited),
                                      List.of())));
          return commit(id, change).then(store.view(id));
        });
  }

  Mono<GroupView> get(String me, String id) {
    return store
        .role(id, me)
        .switchIfEmpty(Mono.error(GroupRules::notMember))
        .then(store.view(id))
        .switchIfEmpty(Mono.error(GroupRules::notMember));
  }

  Mono<GroupView> addMembers(String me, String id, AddMembers request) {
    return Mono.defer(
        () -> {
          Set<String> requested =
              GroupRules.distinctUserIds(request == null ? null : request.userIds(), me);
          if (requested.isEmpty()) {
            return Mono.error(GroupRules.invalid("userIds must name at least one other user."));
          }
          Mono<GroupChange> change =
              lockAsMember(id, me)
                  .flatMap(
                      locked ->
                          store
                              .activeMembers(id)
                              .flatMap(
                                  active -> {
                                    List<String> added =
                                        requested.stream()
                                            .filter(u -> !active.contains(u))
                                            .toList();
                                    if (added.isEmpty()) {
                                      return Mono.empty();
                                    }
                                    return requireFriends(me, added)
                                        .then(
                                            Mono.fromRunnable(
                                                () ->
                                                    GroupRules.requireFits(
                                                        active.size() + added.size(),
                                                        properties.groupMaxMembers())))
                                        .then(
                                            messages.appendSystem(
                                                id,
                                                me,
                                                body("members_added", me, added, null, null)))
                                        .flatMap(
                                            message ->
                                                store
                                                    .join(
                                                        id,
                                                        added,
                                                        GroupRole.MEMBER,
                                                        message.seq(),
                                                        message.seq() - 1)
                                                    .then(
                                                        record(
                                                            id,
                                                            "members_added",
                                                            null,
                                                            message.seq(),
                                                            added,
                                                            List.of())));
                                  }));
          return commit(id, change).then(store.view(id));
        });
  }

  /** Removes {@code userId}, or lets the caller leave when it is themselves. */
  Mono<Void> removeMember(String me, String id, String userId) {
    Mono<GroupChange> change =
        lockAsMember(id, me)
            .flatMap(
                actor ->
                    me.equals(userId)
                        ? leave(me, id, actor.role())
                        : store
                            .role(id, userId)
                            .switchIfEmpty(Mono.error(GroupRules::targetNotMember))
                            .flatMap(
                                target -> {
                                  GroupRules.requireMayRemove(actor.role(), target);
                                  return messages
                                      .appendSystem(
                                          id,
                                          me,
                                          body("member_removed", me, List.of(userId), null, null))
                                      .flatMap(
                                          message ->
                                              store
                                                  .leave(id, userId)
                                                  .then(
                                                      record(
                                                          id,
                                                          "member_removed",
                                                          null,
                                                          message.seq(),
                                                          List.of(),
                                                          List.of(userId))));
                                }));
    return commit(id, change).then();
  }

  private Mono<GroupChange> leave(String me, String id, GroupRole role) {
    Mono<String> nextOwner =
        role == GroupRole.OWNER ? store.successor(id, me) : Mono.<String>empty();
    return nextOwner
        .map(java.util.Optional::of)
        .defaultIfEmpty(java.util.Optional.empty())
        .flatMap(
            owner ->
                messages
                    .appendSystem(
                        id, me, body("member_left", me, List.of(me), null, owner.orElse(null)))
                    .flatMap(
                        message ->
                            store
                                .leave(id, me)
                                .then(
                                    owner
                                        .map(o -> store.setRole(id, o, GroupRole.OWNER))
                                        .orElse(Mono.empty()))
                                .then(
                                    record(
                                        id,
                                        "member_left",
                                        null,
                                        message.seq(),
                                        List.of(),
                                        List.of(me)))));
  }

  Mono<GroupView> update(String me, String id, UpdateGroup request) {
    return Mono.defer(
        () -> {
          if (request == null || request.name() == null) {
            return get(me, id);
          }
          String name = GroupRules.validName(request.name());
          Mono<GroupChange> change =
              lockAsMember(id, me)
                  .flatMap(
                      actor -> {
                        GroupRules.requireMayRename(actor.role());
                        if (name.equals(actor.group().name())) {
                          return Mono.empty();
                        }
                        return messages
                            .appendSystem(id, me, body("renamed", me, null, name, null))
                            .flatMap(
                                message ->
                                    record(
                                        id, "renamed", name, message.seq(), List.of(), List.of()));
                      });
          return commit(id, change).then(store.view(id));
        });
  }

  Mono<GroupView> setRole(String me, String id, String userId, SetRole request) {
    return Mono.defer(
        () -> {
          GroupRole role = GroupRules.assignableRole(request == null ? null : request.role());
          Mono<GroupChange> change =
              lockAsMember(id, me)
                  .flatMap(
                      actor ->
                          store
                              .role(id, userId)
                              .switchIfEmpty(Mono.error(GroupRules::targetNotMember))
                              .flatMap(
                                  target -> {
                                    GroupRules.requireMaySetRole(actor.role(), target);
                                    if (target == role) {
                                      return Mono.empty();
                                    }
                                    Map<String, Object> body =
                                        body("role_changed", me, List.of(userId), null, null);
                                    body.put("role", role.wire());
                                    return messages
                                        .appendSystem(id, me, body)
                                        .flatMap(
                                            message ->
                                                store
                                                    .setRole(id, userId, role)
                                                    .then(
                                                        record(
                                                            id,
                                                            "role_changed",
                                                            null,
                                                            message.seq(),
                                                            List.of(),
                                                            List.of())));
                                  }));
          return commit(id, change).then(store.view(id));
        });
  }

  // --- the parts every change shares

  /** The locked group and the caller's role in it; 404 {@code not_member} otherwise. */
  private record Actor(LockedGroup group, GroupRole role) {}

  private Mono<Actor> lockAsMember(String id, String me) {
    return store
        .lock(id)
        .switchIfEmpty(Mono.error(GroupRules::notMember))
        .flatMap(
            group ->
                store
                    .role(id, me)
                    .switchIfEmpty(Mono.error(GroupRules::notMember))
                    .map(role -> new Actor(group, role)));
  }

  private Mono<Void> requireFriends(String me, java.util.Collection<String> userIds) {
    return store
        .friendsAmong(me, userIds)
        .flatMap(
            friends ->
                friends.containsAll(userIds)
                    ? Mono.<Void>empty()
                    : Mono.<Void>error(GroupRules.notFriends()));
  }

  /**
   * The end of every change, still in its transaction: the conversation row, and the {@code
   * conversation-changed} event with the members after the change.
   */
  private Mono<GroupChange> record(
      String id, String change, String name, long seq, List<String> added, List<String> removed) {
    return store
        .touch(id, name)
        .flatMap(
            row ->
                store
                    .activeMembers(id)
                    .flatMap(
                        members ->
                            outbox
                                .append(
                                    Destinations.CONVERSATION_CHANGED,
                                    new ConversationChanged(
                                        ids.eventId(),
                                        Instant.now(),
                                        id,
                                        "group",
                                        change,
                                        row.name(),
                                        members,
                                        added,
                                        removed,
                                        seq))
                                .thenReturn(
                                    new GroupChange(
                                        id,
                                        change,
                                        row.name(),
                                        row.memberCount(),
                                        seq,
                                        members,
                                        removed))));
  }

  /** Runs the change in one transaction, then tells the members (after the commit only). */
  private Mono<Void> commit(String id, Mono<GroupChange> change) {
    return tx.transactional(change)
        .flatMap(done -> cache.evict(id).then(notices.push(done)))
        .then();
  }

  private static Map<String, Object> body(
      String event, String actorId, List<String> userIds, String name, String ownerId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event", event);
    body.put("actorId", actorId);
    if (userIds != null) {
      body.put("userIds", userIds);
    }
    if (name != null) {
      body.put("name", name);
    }
    if (ownerId != null) {
      body.put("ownerId", ownerId);
    }
    return body;
  }

  private static List<String> concat(List<String> a, java.util.Collection<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
