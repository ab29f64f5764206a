package com.parley.im.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The drift check of the checked-in OpenAPI documents (ADR 0024) passes and fails as it says. */
class OpenApiDocumentTests {

  @Test
  void normalizingSortsKeysAtEveryLevelAndKeepsArrayOrder() {
    String normalized = OpenApiDocument.normalize("{\"b\":{\"z\":1,\"a\":[3,1,2]},\"a\":true}");

    assertThat(normalized)
        .isEqualTo(
            """
            {
              "a" : true,
              "b" : {
                "a" : [ 3, 1, 2 ],
                "z" : 1
              }
            }
            """);
    assertThat(OpenApiDocument.normalize(normalized)).isEqualTo(normalized);
  }

  @Test
  void theCheckedInDocumentMatchesItselfServedInAnotherKeyOrder() throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    JsonNode checkedIn = json.readTree(Files.readString(OpenApiDocument.checkedIn("unread")));
    List<String> names = new ArrayList<>(checkedIn.propertyNames());
    Collections.reverse(names);
    ObjectNode reversed = json.createObjectNode();
    names.forEach(name -> reversed.set(name, checkedIn.get(name)));
    String served = json.writeValueAsString(reversed);
    assertThat(served).startsWith("{\"servers\"");

    OpenApiDocument.assertServedMatchesCheckedIn("unread", served);
  }

  @Test
  void aChangedDocumentFailsNamingTheFirstDifferenceAndHowToRegenerate() throws Exception {
    String checkedIn = Files.readString(OpenApiDocument.checkedIn("unread"));
    String renamed = checkedIn.replace("\"muted\"", "\"isMuted\"");
    assertThat(renamed).isNotEqualTo(checkedIn);

    assertThatThrownBy(() -> OpenApiDocument.assertServedMatchesCheckedIn("unread", renamed))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("unread-service serves an OpenAPI document that differs from")
        .hasMessageContaining("docs/openapi/unread-service.json")
        .hasMessageContaining("first difference at line")
        .hasMessageContaining("checked in: \"muted\"")
        .hasMessageContaining("served:     \"isMuted\"")
        .hasMessageContaining("-Dopenapi.write=true");
  }

  @Test
  void aServiceWithoutACheckedInDocumentFailsWithTheRegenerateHint() {
    assertThatThrownBy(() -> OpenApiDocument.assertServedMatchesCheckedIn("nosuch", "{}"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("docs/openapi/nosuch-service.json is not checked in")
        .hasMessageContaining("./mvnw -B -pl nosuch-service -am verify -Dopenapi.write=true");
  }
}
