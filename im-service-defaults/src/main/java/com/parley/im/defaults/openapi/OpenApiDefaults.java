package com.parley.im.defaults.openapi;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;

/**
 * What every service's OpenAPI document says about itself (ADR 0024). Nothing here may change from
 * one run to the next (no port, no build version): the document is checked in and compared.
 */
public final class OpenApiDefaults {

  /** The contract's version, raised by hand with a breaking change (not the build's version). */
  public static final String API_VERSION = "1";

  private OpenApiDefaults() {}

  /** The document's head for {@code service} (its {@code spring.application.name}). */
  public static OpenAPI document(String service) {
    return new OpenAPI()
        .info(
            new Info()
                .title(service)
                .version(API_VERSION)
                .description(
                    "Clients call /api/** through the gateway, which routes it unchanged;"
                        + " /internal/** is for other Parley services only (service token,"
                        + " ADR 0007). The client contract, with frames, errors and guarantees,"
                        + " is docs/protocol.md."))
        // Relative: the same paths on the gateway's public address and on the service port.
        .servers(
            List.of(new Server().url("/").description("the gateway (/api/**) or the service")));
  }
}
