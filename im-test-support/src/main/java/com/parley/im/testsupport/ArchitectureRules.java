package com.parley.im.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;

/**
 * The architecture as executable rules. Every service's test suite calls {@link
 * #checkService(String)}.
 */
public final class ArchitectureRules {

  public static final String ROOT = "com.parley.im";

  /** Packages of the seven services, by short name. */
  public static final List<String> SERVICES =
      List.of("gateway", "user", "relation", "message", "presence", "unread", "media");

  private ArchitectureRules() {}

  /**
   * A service imports no other service's code, and its feature packages ({@code
   * com.parley.im.<service>.<feature>}) form no cycles.
   */
  public static void checkService(String service) {
    String base = ROOT + "." + service;
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(base);
    String[] others =
        SERVICES.stream()
            .filter(s -> !s.equals(service))
            .map(s -> ROOT + "." + s + "..")
            .toArray(String[]::new);
    noClasses()
        .that()
        .resideInAPackage(base + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(others)
        .because("a service never imports another service's module")
        .check(classes);
    slices()
        .matching(base + ".(*)..")
        .should()
        .beFreeOfCycles()
        .allowEmptyShould(true)
        .check(classes);
  }
}
