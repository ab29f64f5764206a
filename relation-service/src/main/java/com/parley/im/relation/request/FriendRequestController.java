package com.parley.im.relation.request;

import com.parley.im.relation.Ids;
import com.parley.im.relation.request.FriendRequestRecords.FriendRequest;
import com.parley.im.relation.request.FriendRequestRecords.SendFriendRequest;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /api/friend-requests}: send, list, accept, reject, cancel. */
@RestController
@RequestMapping("/api/friend-requests")
class FriendRequestController {

  private final FriendRequestService requests;

  FriendRequestController(FriendRequestService requests) {
    this.requests = requests;
  }

  /** 201 with a new request (pending, or accepted when it was mutual); 200 with a pending one. */
  @PostMapping
  Mono<ResponseEntity<FriendRequest>> send(
      @AuthenticationPrincipal Jwt token, @Valid @RequestBody SendFriendRequest request) {
    return requests
        .send(Ids.caller(token), request)
        .map(
            sent ->
                sent.created()
                    ? ResponseEntity.created(
                            URI.create("/api/friend-requests/" + sent.request().id()))
                        .body(sent.request())
                    : ResponseEntity.ok(sent.request()));
  }

  @GetMapping
  Mono<List<FriendRequest>> list(
      @AuthenticationPrincipal Jwt token,
      @RequestParam(name = "direction", required = false) String direction,
      @RequestParam(name = "status", required = false) String status) {
    return requests.list(Ids.caller(token), direction, status);
  }

  @PostMapping("/{id}/accept")
  Mono<FriendRequest> accept(@AuthenticationPrincipal Jwt token, @PathVariable("id") String id) {
    return requests.accept(Ids.caller(token), id);
  }

  @PostMapping("/{id}/reject")
  Mono<FriendRequest> reject(@AuthenticationPrincipal Jwt token, @PathVariable("id") String id) {
    return requests.reject(Ids.caller(token), id);
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> cancel(@AuthenticationPrincipal Jwt token, @PathVariable("id") String id) {
    return requests.cancel(Ids.caller(token), id);
  }
}
