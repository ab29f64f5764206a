package com.parley.im.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The web app's browser tests ({@code web-app/test/browser}, Node's test runner driving Debian's
 * Chromium through playwright-core) against the same running system as the other system tests,
 * whose gateway serves the app at {@code /}: two users in two browser contexts register, befriend,
 * chat both ways, send an image and a file, one goes offline and comes back to every message once
 * and in order, a second tab's unread badge clears, a group chat, a recall, a WebRTC call
 * (docs/adr/0026-web-app.md). This class runs {@code npm run test:browser} with {@code IM_BASE_URL}
 * and fails with its output; {@code npm ci} and {@code npm run build} first when the module's build
 * did not (a run of this module alone). The tests install Debian's chromium with apt-get when
 * {@code /usr/bin/chromium} is missing (as root).
 */
@ExtendWith(RunningSystem.class)
class WebAppBrowserSystemTests {

  private static final long TIMEOUT_MINUTES = 10;

  @Test
  void twoUsersInTwoBrowsersGoThroughTheWholeApp() throws Exception {
    Path app = RunningSystem.repositoryRoot().resolve("web-app");
    assertThat(app.resolve("package.json")).as("the web app's package.json").exists();
    if (!Files.isDirectory(app.resolve("node_modules"))) {
      Npm.Result install =
          Npm.run(app, List.of("npm", "ci", "--no-audit", "--no-fund"), TIMEOUT_MINUTES);
      assertThat(install.exitCode()).as("npm ci:\n%s", install.output()).isZero();
    }
    if (!Files.isRegularFile(app.resolve("dist/index.html"))) {
      Npm.Result build = Npm.run(app, List.of("npm", "run", "build"), TIMEOUT_MINUTES);
      assertThat(build.exitCode()).as("npm run build:\n%s", build.output()).isZero();
    }
    Npm.Result tests = Npm.run(app, List.of("npm", "run", "test:browser"), TIMEOUT_MINUTES);
    System.out.println(tests.output());
    assertThat(tests.exitCode())
        .as("npm run test:browser exited %d:\n%s", tests.exitCode(), tests.output())
        .isZero();
    assertThat(tests.output()).as("the runner's summary").contains("ℹ fail 0");
  }
}
