package com.parley.im.user;

import com.parley.im.defaults.outbox.EnableOutbox;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Accounts, credentials, device sessions, refresh tokens, signing keys and profiles. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableOutbox
public class UserServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(UserServiceApplication.class, args);
  }
}
