package com.parley.im.relation.friend;

import com.parley.im.relation.Ids;
import com.parley.im.relation.friend.FriendService.Friend;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /api/friends}: list and unfriend. */
@RestController
@RequestMapping("/api/friends")
class FriendController {

  private final FriendService friends;

  FriendController(FriendService friends) {
    this.friends = friends;
  }

  @GetMapping
  Mono<List<Friend>> friends(@AuthenticationPrincipal Jwt token) {
    return friends.friends(Ids.caller(token));
  }

  @DeleteMapping("/{userId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> unfriend(@AuthenticationPrincipal Jwt token, @PathVariable("userId") String userId) {
    return friends.unfriend(Ids.caller(token), userId);
  }
}
