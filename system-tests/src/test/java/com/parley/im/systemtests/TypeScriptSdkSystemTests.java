package com.parley.im.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
      Result install = npm(sdk, List.of("npm", "ci", "--no-audit", "--no-fund"));
      assertThat(install.exitCode).as("npm ci:\n%s", install.output).isZero();
    }
    Result tests = npm(sdk, List.of("npm", "run", "test:system"));
    System.out.println(tests.output);
    assertThat(tests.exitCode)
        .as("npm run test:system exited %d:\n%s", tests.exitCode, tests.output)
        .isZero();
    assertThat(tests.output).as("the runner's summary").contains("ℹ fail 0");
  }

  private record Result(int exitCode, String output) {}

  private static Result npm(Path directory, List<String> command) throws Exception {
    Path log = Files.createTempFile("parley-sdk-", ".log");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().put("IM_BASE_URL", RunningSystem.baseUrl());
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new IllegalStateException("npm is not on the PATH (Node.js 20+ is needed)", e);
      }
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        return new Result(
            -1,
            String.join(" ", command)
                + " did not finish within "
                + TIMEOUT_MINUTES
                + " minutes:\n"
                + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
