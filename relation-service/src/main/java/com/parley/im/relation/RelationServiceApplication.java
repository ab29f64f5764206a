package com.parley.im.relation;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Friend requests, friendships and blocks. */
@SpringBootApplication
public class RelationServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(RelationServiceApplication.class, args);
  }
}
