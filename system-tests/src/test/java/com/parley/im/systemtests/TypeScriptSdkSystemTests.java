package com.parley.im.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The TypeScript SDK's own system tests ({@code sdk-typescript/test/system}, Node's test runner)
 * against the same running system as the other system tests: a socket killed in the middle of 200
 * pipelined sends, a client restarted with unsent messages in its store, a repeated push, a lost
 * push (docs/adr/0014-sdk-delivery-model.md). This class only runs {@code npm run test:system} with
 * {@code IM_BASE_URL} and fails with its output; {@code npm ci} first when the module's build did
 * not install the dependencies (a run of this module alone). Needs Node.js 20+ and npm.
 */
@ExtendWith(RunningSystem.class)
class TypeScriptSdkSystemTests {

  private static final long TIMEOUT_MINUTES = 8;

  @Test
  void theSdkKeepsTheDeliveryGuaranteesAgainstTheRunningSystem() throws Exception {
    Path sdk = RunningSystem.repositoryRoot().resolve("sdk-typescript");
    assertThat(sdk.resolve("package.json")).as("the SDK's package.json").exists();
    if (!Files.isDirectory(sdk.resolve("node_modules"))) {
      Npm.Result install =
          Npm.run(sdk, List.of("npm", "ci", "--no-audit", "--no-fund"), TIMEOUT_MINUTES);
      assertThat(install.exitCode()).as("npm ci:\n%s", install.output()).isZero();
    }
    Npm.Result tests = Npm.run(sdk, List.of("npm", "run", "test:system"), TIMEOUT_MINUTES);
    System.out.println(tests.output());
    assertThat(tests.exitCode())
        .as("npm run test:system exited %d:\n%s", tests.exitCode(), tests.output())
        .isZero();
    assertThat(tests.output()).as("the runner's summary").contains("ℹ fail 0");
  }
}
