package com.parley.im.message.relay;

import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.delivery.DeliveryPublisher;
import com.parley.im.events.DeliveryBatch.Delivery;
import com.parley.im.message.conversation.ConversationAccess;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.protocol.Frames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Relays {@code typing} and {@code signal} frames between people who share a conversation.
 *
 * <p>Promises: {@code typing} reaches only the other active members' devices, and only when the
 * typer is an active member (otherwise {@code not_member}, which the caller answers); {@code
 * signal} reaches the callee's devices only when the two share an active conversation and the
 * callee has not blocked the caller (a direct conversation counts only while they are friends);
 * otherwise the caller's device gets an {@code error} frame {@code forbidden} with the frame's id.
 * Cannot promise: delivery (pushes to online sockets, nothing is stored).
 */
@Service
class Relays {

  // A shared active group, or friendship, and no block by the callee.
  private static final String MAY_SIGNAL =
      "select not exists(select 1 from block where blocker_id = :to and blocked_id = :from"
          + "   and blocked)"
          + " and (exists(select 1 from friendship"
          + "   where user_low = :low and user_high = :high and friends)"
          + "  or exists(select 1 from member a"
          + "   join member b on b.conversation_id = a.conversation_id"
          + "   join conversation c on c.id = a.conversation_id and c.type = 'group'"
          + "   where a.user_id = :from and b.user_id = :to"
          + "   and a.left_at is null and b.left_at is null))";

  private final DatabaseClient db;
  private final ConversationAccess conversations;
  private final DeliveryPublisher deliveries;
  private final JsonMapper json;

  Relays(
      DatabaseClient db,
      ConversationAccess conversations,
      DeliveryPublisher deliveries,
      JsonMapper json) {
    this.db = db;
    this.conversations = conversations;
    this.deliveries = deliveries;
    this.json = json;
  }

  /**
   * Pushes {@code typing} to the other active members; errors 404 {@code not_member} when the typer
   * is not one.
   */
  Mono<Void> typing(String conversationId, String userId) {
    return conversations
        .activeMembers(conversationId)
        .flatMap(
            members -> {
              if (!members.contains(userId)) {
                return Mono.error(
                    ApiException.notFound(
                        ErrorCodes.NOT_MEMBER,
                        "No such conversation, or you are not a member of it"));
              }
              String frame = json.writeValueAsString(new Frames.Typing(conversationId, userId));
              List<Delivery> pushes = new ArrayList<>(members.size());
              for (String member : members) {
                if (!member.equals(userId)) {
                  pushes.add(new Delivery(member, null, frame));
                }
              }
              return pushes.isEmpty() ? Mono.empty() : deliveries.deliver(pushes);
            });
  }

  /**
   * Pushes {@code signal} to the callee's devices, or an {@code error} to the caller's device.
   *
   * @param frameId the client's frame id, echoed in the error (may be null)
   */
  Mono<Void> signal(
      String fromUserId,
      String fromDeviceId,
      String frameId,
      String toUserId,
      String callId,
      Map<String, Object> payload) {
    return maySignal(fromUserId, toUserId)
        .flatMap(
            allowed -> {
              if (allowed) {
                String frame =
                    json.writeValueAsString(new Frames.Signal(fromUserId, callId, payload));
                return deliveries.deliver(List.of(new Delivery(toUserId, null, frame)));
              }
              String error =
                  json.writeValueAsString(
                      new Frames.Error(
                          frameId,
                          ErrorCodes.FORBIDDEN,
                          "You can only signal someone you share a conversation with"));
              return deliveries.deliver(List.of(new Delivery(fromUserId, fromDeviceId, error)));
            });
  }

  private Mono<Boolean> maySignal(String from, String to) {
    if (from.equals(to)) {
      return Mono.just(false);
    }
    String low = from.compareTo(to) < 0 ? from : to;
    String high = low.equals(from) ? to : from;
    return db.sql(MAY_SIGNAL)
        .bind("from", from)
        .bind("to", to)
        .bind("low", low)
        .bind("high", high)
        .map(row -> Boolean.TRUE.equals(row.get(0, Boolean.class)))
        .one()
        .defaultIfEmpty(false);
  }
}
