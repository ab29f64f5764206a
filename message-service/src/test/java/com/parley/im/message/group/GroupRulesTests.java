package com.parley.im.message.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.parley.im.defaults.ApiException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class GroupRulesTests {

  @Test
  void namesAreTrimmedAndOneToSixtyFourCharacters() {
    assertThat(GroupRules.validName("  Team  ")).isEqualTo("Team");
    assertThat(GroupRules.validName("x".repeat(64))).hasSize(64);
    // 64 emoji are 128 UTF-16 units but 64 characters.
    assertThat(GroupRules.validName("😀".repeat(64))).isNotEmpty();
    expect(() -> GroupRules.validName(null), 400, "validation_failed");
    expect(() -> GroupRules.validName("   "), 400, "validation_failed");
    expect(() -> GroupRules.validName("a\u0000b"), 400, "validation_failed");
    expect(() -> GroupRules.validName("line\nbreak"), 400, "validation_failed");
    expect(() -> GroupRules.validName("x".repeat(65)), 400, "validation_failed");
  }

  @Test
  void userIdsAreDistinctInOrderWithoutTheCaller() {
    assertThat(GroupRules.distinctUserIds(List.of("b", "me", "a", "b"), "me"))
        .containsExactly("b", "a");
    assertThat(GroupRules.distinctUserIds(null, "me")).isEmpty();
    expect(
        () -> GroupRules.distinctUserIds(Arrays.asList("a", null), "me"), 400, "validation_failed");
    expect(() -> GroupRules.distinctUserIds(List.of(" "), "me"), 400, "validation_failed");
  }

  @Test
  void theSizeLimitCountsEveryMember() {
    assertThatCode(() -> GroupRules.requireFits(3, 3)).doesNotThrowAnyException();
    expect(() -> GroupRules.requireFits(4, 3), 409, "group_full");
  }

  @Test
  void ownersRemoveAnyoneAdminsOnlyMembersMembersNobody() {
    assertThatCode(() -> GroupRules.requireMayRemove(GroupRole.OWNER, GroupRole.ADMIN))
        .doesNotThrowAnyException();
    assertThatCode(() -> GroupRules.requireMayRemove(GroupRole.OWNER, GroupRole.MEMBER))
        .doesNotThrowAnyException();
    assertThatCode(() -> GroupRules.requireMayRemove(GroupRole.ADMIN, GroupRole.MEMBER))
        .doesNotThrowAnyException();
    expect(() -> GroupRules.requireMayRemove(GroupRole.ADMIN, GroupRole.OWNER), 403, "forbidden");
    expect(() -> GroupRules.requireMayRemove(GroupRole.ADMIN, GroupRole.ADMIN), 403, "forbidden");
    expect(() -> GroupRules.requireMayRemove(GroupRole.MEMBER, GroupRole.MEMBER), 403, "forbidden");
  }

  @Test
  void ownersAndAdminsRename() {
    assertThatCode(() -> GroupRules.requireMayRename(GroupRole.OWNER)).doesNotThrowAnyException();
    assertThatCode(() -> GroupRules.requireMayRename(GroupRole.ADMIN)).doesNotThrowAnyException();
    expect(() -> GroupRules.requireMayRename(GroupRole.MEMBER), 403, "forbidden");
  }

  @Test
  void onlyTheOwnerGivesRolesAndNotToThemselves() {
    assertThatCode(() -> GroupRules.requireMaySetRole(GroupRole.OWNER, GroupRole.MEMBER))
        .doesNotThrowAnyException();
    assertThatCode(() -> GroupRules.requireMaySetRole(GroupRole.OWNER, GroupRole.ADMIN))
        .doesNotThrowAnyException();
    expect(() -> GroupRules.requireMaySetRole(GroupRole.ADMIN, GroupRole.MEMBER), 403, "forbidden");
    expect(() -> GroupRules.requireMaySetRole(GroupRole.OWNER, GroupRole.OWNER), 409, "conflict");
    assertThat(GroupRules.assignableRole("admin")).isEqualTo(GroupRole.ADMIN);
    assertThat(GroupRules.assignableRole("member")).isEqualTo(GroupRole.MEMBER);
    expect(() -> GroupRules.assignableRole("owner"), 400, "validation_failed");
    expect(() -> GroupRules.assignableRole(null), 400, "validation_failed");
  }

  private static void expect(Executable call, int status, String code) {
    ApiException e =
        catchThrowableOfType(
            ApiException.class,
            () -> {
              try {
                call.execute();
              } catch (RuntimeException r) {
                throw r;
              } catch (Throwable t) {
                throw new AssertionError(t);
              }
            });
    assertThat(e).as("an ApiException").isNotNull();
    assertThat(e.status().value()).isEqualTo(status);
    assertThat(e.code()).isEqualTo(code);
  }
}
