package dev.ndjsonparquet.controller.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controller's layering, checked on its compiled classes so that it stays true: adapters ({@code aws},
 * {@code k8s}) know nothing of the components that use them; the pure deciding classes (policies, sizing,
 * the SparkApplication and batch builders) call no client; the builder and the dispatcher reach SQS through
 * one adapter ({@code aws.SqsQueue}); the components do not reach into the command line that starts
 * them; and no two packages depend on each other. (The local tools are in module {@code tools}, which depends on
 * this one: the module boundary keeps them out.)
 */
class LayeringTest {

    private static final String ROOT = "dev.ndjsonparquet.controller";
    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    @Test
    void adaptersDoNotKnowTheComponentsThatUseThem() {
        noClasses().that().resideInAnyPackage(ROOT + ".aws..", ROOT + ".k8s..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".dispatch..", ROOT + ".builder..",
                        ROOT + ".cli..")
                .check(production);
    }

    @Test
    void decidingClassesCallNoClient() {
        classes().that().resideInAnyPackage(ROOT + ".dispatch..", ROOT + ".builder..")
                .and().haveSimpleNameEndingWith("Policy")
                .or().haveSimpleName("ExecutorSizing").or().haveSimpleName("SparkApplicationBuilder")
                .or().haveSimpleName("SizeBand").or().haveSimpleName("NamePatterns").or().haveSimpleName("History")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.ndjsonparquet..",
                        "io.fabric8.kubernetes.api.model..", "com.fasterxml.jackson.annotation..", "")
                .andShould().onlyDependOnClassesThat(not(resideInAnyPackage(ROOT + ".aws..")
                        .or(simpleName("SparkApplications")).or(simpleName("EventRecorder"))
                        .or(simpleName("LeaseLeadership")).or(simpleName("KubernetesApiCalls"))))
                .check(production);
    }

    @Test
    void theBuilderAndTheDispatcherReachSqsOnlyThroughTheQueueAdapter() {
        noClasses().that().resideInAnyPackage(ROOT + ".dispatch..", ROOT + ".builder..")
                .and().doNotHaveSimpleName("BuilderAssembly") // wraps the client it is given in SqsQueue
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk.services.sqs..")
                .check(production);
    }

    @Test
    void componentsDoNotReachIntoTheCommandLine() {
        noClasses().that().resideInAnyPackage(ROOT + ".dispatch..", ROOT + ".builder..", ROOT + ".aws..", ROOT + ".k8s..",
                        ROOT + ".observability..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".cli..")
                .check(production);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(production);
    }
}
