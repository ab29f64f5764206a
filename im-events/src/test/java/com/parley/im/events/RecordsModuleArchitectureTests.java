package com.parley.im.events;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class RecordsModuleArchitectureTests {

  @Test
  void recordsDependOnNothingButTheJdkAndJacksonAnnotations() {
    JavaClasses records =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.parley.im.events", "com.parley.im.protocol");
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "com.fasterxml.jackson.annotation..",
            "com.parley.im.events..",
            "com.parley.im.protocol..")
        .check(records);
  }
}
