package dev.ndjsonparquet.spark.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * spark-app's packages follow a manifest through the pipeline (docs/columnar-write-path.md, "Package layout"):
 * reading and parsing know nothing of writing, committing or the manifest's job; only the entry point and the
 * command line use the job; no two packages depend on each other. The command-line classes ({@code cli},
 * {@code table.ReadTableCommand}) are left out: they leave for the spark-tools module.
 */
class PackageLayeringTest {

    private static final String ROOT = "dev.ndjsonparquet.spark";
    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT)
                .that(com.tngtech.archunit.base.DescribedPredicate.not(
                        JavaClass.Predicates.resideInAPackage(ROOT + ".cli..")
                                .or(JavaClass.Predicates.simpleName("ReadTableCommand"))));
    }

    @Test
    void readingAndParsingKnowNothingOfWhatComesAfter() {
        noClasses().that().resideInAnyPackage(ROOT + ".read..", ROOT + ".parse..", ROOT + ".columns..", ROOT + ".source..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".write..", ROOT + ".job..", ROOT + ".commit..",
                        ROOT + ".table..", ROOT + ".output..")
                .check(production);
    }

    @Test
    void onlyTheEntryPointUsesTheJob() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".job..", ROOT)
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".job..")
                .check(production);
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(production);
    }
}
