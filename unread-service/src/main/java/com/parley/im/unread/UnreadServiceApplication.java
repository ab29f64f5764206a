package com.parley.im.unread;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Unread counts per user and conversation, and mutes. */
@SpringBootApplication
public class UnreadServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(UnreadServiceApplication.class, args);
  }
}
