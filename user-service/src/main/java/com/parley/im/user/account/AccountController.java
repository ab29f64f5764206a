package com.parley.im.user.account;

import com.parley.im.user.account.AccountRecords.DiscoverPage;
import com.parley.im.user.account.AccountRecords.MyProfile;
import com.parley.im.user.account.AccountRecords.PublicProfile;
import com.parley.im.user.account.AccountRecords.RegisterRequest;
import com.parley.im.user.account.AccountRecords.RegisteredUser;
import com.parley.im.user.account.AccountRecords.SearchPage;
import com.parley.im.user.account.AccountRecords.UpdateProfileRequest;
import com.parley.im.user.security.Caller;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /api/users}: registration, profiles, search, discover. */
@RestController
@RequestMapping("/api/users")
class AccountController {

  private final AccountService accounts;

  AccountController(AccountService accounts) {
    this.accounts = accounts;
  }

  @PostMapping
  Mono<ResponseEntity<RegisteredUser>> register(@Valid @RequestBody RegisterRequest request) {
    return accounts
        .register(request)
        .map(user -> ResponseEntity.created(URI.create("/api/users/" + user.id())).body(user));
  }

  @GetMapping("/me")
  Mono<MyProfile> me(@AuthenticationPrincipal Jwt token) {
    return accounts.me(Caller.of(token).userId());
  }

  @PatchMapping("/me")
  Mono<MyProfile> update(
      @AuthenticationPrincipal Jwt token, @Valid @RequestBody UpdateProfileRequest request) {
    return accounts.update(Caller.of(token).userId(), request);
  }

  @GetMapping("/search")
  Mono<SearchPage> search(
      @RequestParam(name = "q", required = false) String q,
      @RequestParam(name = "limit", required = false) Integer limit,
      @RequestParam(name = "cursor", required = false) String cursor) {
    return accounts.search(q, limit, cursor);
  }

  @GetMapping("/discover")
  Mono<DiscoverPage> discover(
      @AuthenticationPrincipal Jwt token,
      @RequestParam(name = "limit", required = false) Integer limit) {
    return accounts.discover(Caller.of(token).userId(), limit);
  }

  @GetMapping("/{id}")
  Mono<PublicProfile> profile(@PathVariable("id") String id) {
    return accounts.profile(id);
  }
}
