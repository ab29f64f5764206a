package com.parley.im.user.account;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** What the auth feature may know about an account: its id and password hash, by username. */
@Component
public class AccountCredentials {

  /** An account's id and Argon2id hash. */
  public record Credentials(String userId, String passwordHash) {}

  private final AccountRepository accounts;

  AccountCredentials(AccountRepository accounts) {
    this.accounts = accounts;
  }

  /** The account with this username in any case, or empty. */
  public Mono<Credentials> findByUsername(String username) {
    return accounts.findCredentials(username);
  }
}
