package com.parley.im.relation;

import com.parley.im.defaults.ApiException;
import com.parley.im.protocol.ErrorCodes;

/** The refusals of relation-service, each with its status and stable {@code code}. */
public final class RelationErrors {

  public static final String CANNOT_BEFRIEND_SELF = "cannot_befriend_self";
  public static final String CANNOT_BLOCK_SELF = "cannot_block_self";
  public static final String ALREADY_FRIENDS = "already_friends";
  public static final String BLOCKED_BY_YOU = "blocked_by_you";
  public static final String NOT_RECIPIENT = "not_recipient";
  public static final String NOT_SENDER = "not_sender";
  public static final String REQUEST_NOT_PENDING = "request_not_pending";

  private RelationErrors() {}

  public static ApiException invalid(String detail) {
    return ApiException.badRequest(ErrorCodes.VALIDATION_FAILED, detail);
  }

  public static ApiException noSuchUser() {
    return ApiException.notFound(ErrorCodes.NOT_FOUND, "No such user.");
  }

  public static ApiException noSuchRequest() {
    return ApiException.notFound(ErrorCodes.NOT_FOUND, "No such friend request.");
  }

  public static ApiException befriendSelf() {
    return ApiException.badRequest(
        CANNOT_BEFRIEND_SELF, "You cannot send a friend request to yourself.");
  }

  public static ApiException blockSelf() {
    return ApiException.badRequest(CANNOT_BLOCK_SELF, "You cannot block yourself.");
  }

  public static ApiException alreadyFriends() {
    return ApiException.conflict(ALREADY_FRIENDS, "You are already friends.");
  }

  public static ApiException blocked() {
    return ApiException.forbidden(ErrorCodes.BLOCKED, "This user does not accept your requests.");
  }

  public static ApiException blockedByYou() {
    return ApiException.conflict(
        BLOCKED_BY_YOU, "You blocked this user; unblock them before sending a request.");
  }

  public static ApiException notRecipient() {
    return ApiException.forbidden(
        NOT_RECIPIENT, "Only the recipient can accept or reject a friend request.");
  }

  public static ApiException notSender() {
    return ApiException.forbidden(NOT_SENDER, "Only the sender can cancel a friend request.");
  }

  public static ApiException notPending(String status) {
    return ApiException.conflict(
        REQUEST_NOT_PENDING, "The friend request is no longer pending (" + status + ").");
  }

  public static ApiException notFriends() {
    return ApiException.notFound(ErrorCodes.NOT_FRIENDS, "You are not friends.");
  }
}
