package com.parley.im.defaults;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

class ProblemDetailsAdviceWebFluxTests {

  record Body(@NotBlank String name) {}

  /** Exposes an SQLSTATE the way JDBC's and R2DBC's exceptions do. */
  static class SqlStateException extends RuntimeException {
    private final String state;

    SqlStateException(String state) {
      super("invalid byte sequence for encoding \"UTF8\": 0x00");
      this.state = state;
    }

    public String getSqlState() {
      return state;
    }
  }

  @RestController
  static class Probe {
    @GetMapping("/refused")
    Mono<String> refused() {
      return Mono.error(ApiException.conflict("username_taken", "That name is taken."));
    }

    @GetMapping("/unstorable")
    Mono<String> unstorable() {
      // What the database driver raises for U+0000 in a text column, wrapped by the data layer.
      return Mono.error(new IllegalStateException("wrapped", new SqlStateException("22021")));
    }

    @GetMapping("/broken")
    Mono<String> broken() {
      return Mono.error(new IllegalStateException("secret internals"));
    }

    @PostMapping("/validated")
    Mono<String> validated(@Valid @RequestBody Body body) {
      return Mono.just(body.name());
    }
  }

  private final WebTestClient http =
      WebTestClient.bindToController(new Probe())
          .controllerAdvice(new ProblemDetailsAdvice())
          .build();

  @Test
  void anApiExceptionBecomesAProblemWithItsStatusAndCode() {
    http.get()
        .uri("/refused")
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.CONFLICT)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("username_taken")
        .jsonPath("$.detail")
        .isEqualTo("That name is taken.")
        .jsonPath("$.status")
        .isEqualTo(409);
  }

  @Test
  void anInvalidBodyNamesTheFieldUnderValidationFailed() {
    http.post()
        .uri("/validated")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"name\":\"\"}")
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("validation_failed")
        .jsonPath("$.errors.name")
        .exists();
  }

  @Test
  void malformedJsonIsABadRequestNotAServerError() {
    http.post()
        .uri("/validated")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"name\":")
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("validation_failed");
  }

  @Test
  void anUnexpectedErrorIsA500ThatEchoesNothing() {
    http.get()
        .uri("/broken")
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR)
        .expectBody(String.class)
        .value(
            body ->
                org.assertj.core.api.Assertions.assertThat(body)
                    .contains("internal_error")
                    .doesNotContain("secret internals"));
  }

  @Test
  void textTheDatabaseCannotHoldIsA400NotA500() {
    http.get()
        .uri("/unstorable")
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("validation_failed");
  }
}
