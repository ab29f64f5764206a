package com.parley.im.message.group;

import com.parley.im.message.group.GroupRecords.AddMembers;
import com.parley.im.message.group.GroupRecords.CreateGroup;
import com.parley.im.message.group.GroupRecords.GroupView;
import com.parley.im.message.group.GroupRecords.SetRole;
import com.parley.im.message.group.GroupRecords.UpdateGroup;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /api/groups}: create, read, add, remove or leave, rename, roles. */
@RestController
@RequestMapping("/api/groups")
class GroupController {

  private final GroupService groups;

  GroupController(GroupService groups) {
    this.groups = groups;
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  Mono<GroupView> create(@AuthenticationPrincipal Jwt token, @RequestBody CreateGroup request) {
    return groups.create(token.getSubject(), request);
  }

  @GetMapping("/{id}")
  Mono<GroupView> get(@AuthenticationPrincipal Jwt token, @PathVariable("id") String id) {
    return groups.get(token.getSubject(), id);
  }

  @PatchMapping("/{id}")
  Mono<GroupView> update(
      @AuthenticationPrincipal Jwt token,
      @PathVariable("id") String id,
      @RequestBody UpdateGroup request) {
    return groups.update(token.getSubject(), id, request);
  }

  @PostMapping("/{id}/members")
  Mono<GroupView> addMembers(
      @AuthenticationPrincipal Jwt token,
      @PathVariable("id") String id,
      @RequestBody AddMembers request) {
    return groups.addMembers(token.getSubject(), id, request);
  }

  /** Removes a member, or leaves the group when {@code userId} is the caller. */
  @DeleteMapping("/{id}/members/{userId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> removeMember(
      @AuthenticationPrincipal Jwt token,
      @PathVariable("id") String id,
      @PathVariable("userId") String userId) {
    return groups.removeMember(token.getSubject(), id, userId);
  }

  @PutMapping("/{id}/members/{userId}/role")
  Mono<GroupView> setRole(
      @AuthenticationPrincipal Jwt token,
      @PathVariable("id") String id,
      @PathVariable("userId") String userId,
      @RequestBody SetRole request) {
    return groups.setRole(token.getSubject(), id, userId, request);
  }
}
