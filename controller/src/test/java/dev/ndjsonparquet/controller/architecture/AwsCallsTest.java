package dev.ndjsonparquet.controller.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.ndjsonparquet.testsupport.AwsActions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IAM actions of the builder and the dispatcher, derived from the calls their compiled code makes (issue 20,
 * item 6): from each role's command, every method of the project it can reach (calls, method references, the
 * implementations of an interface it calls, every method of a class it constructs, lambdas included), and every
 * {@code S3Client} and {@code SqsClient} method among their calls, mapped to IAM actions ({@link AwsActions}). The
 * chart README's table of actions must be exactly that, so a new AWS call fails here until it is documented.
 */
class AwsCallsTest {

    private static final String ROOT = "dev.ndjsonparquet";
    private static final Map<String, String> CLIENTS = Map.of(
            "software.amazon.awssdk.services.s3.S3Client", "s3",
            "software.amazon.awssdk.services.sqs.SqsClient", "sqs");
    /** Client methods that are not API calls. */
    private static final Set<String> NOT_CALLS = Set.of("close", "serviceName", "serviceClientConfiguration", "utilities",
            "waiter", "create", "builder");
    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    /** Each role: the commands that run it. */
    static Map<String, List<String>> roles() {
        Map<String, List<String>> roles = new LinkedHashMap<>();
        roles.put("builder", List.of(ROOT + ".controller.cli.BuilderCommand", ROOT + ".controller.cli.BackfillCommand"));
        roles.put("dispatcher", List.of(ROOT + ".controller.cli.DispatcherCommand"));
        return roles;
    }

    @Test
    void theChartDocumentsExactlyTheActionsOfTheCallsEachRoleMakes() {
        Map<String, Set<String>> byRole = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        roles().forEach((role, commands) -> {
            Set<String> actions = new TreeSet<>();
            for (String call : sdkCalls(commands)) {
                String[] sc = call.split(":");
                List<String> a = AwsActions.of(sc[0], sc[1]);
                if (a == null) {
                    unknown.add(role + " calls " + call);
                } else {
                    actions.addAll(a);
                }
            }
            byRole.put(role, actions);
        });
        assertEquals(List.of(), unknown, "AWS calls with no known IAM action: add them to AwsActions and document them");
        AwsActions.assertBlock(AwsActions.CHART_README, "aws-actions", AwsActions.table(byRole));
    }

    /** Every SDK client call ({@code service:method}) reachable from the commands. */
    static Set<String> sdkCalls(List<String> commands) {
        Set<JavaCodeUnit> seen = new HashSet<>();
        Set<JavaClass> constructed = new HashSet<>();
        Deque<JavaCodeUnit> todo = new ArrayDeque<>();
        for (String c : commands) {
            JavaClass command = production.get(c);
            constructed.add(command);
            todo.addAll(command.getCodeUnits());
        }
        Set<String> calls = new TreeSet<>();
        while (!todo.isEmpty()) {
            JavaCodeUnit unit = todo.pop();
            if (!seen.add(unit)) {
                continue;
            }
            List<JavaAccess<?>> accesses = new ArrayList<>();
            accesses.addAll(unit.getMethodCallsFromSelf());
            accesses.addAll(unit.getConstructorCallsFromSelf());
            accesses.addAll(unit.getMethodReferencesFromSelf());
            accesses.addAll(unit.getConstructorReferencesFromSelf());
            for (JavaAccess<?> access : accesses) {
                AccessTarget target = access.getTarget();
                JavaClass owner = target.getOwner();
                String service = CLIENTS.get(owner.getName());
                if (service != null) {
                    if (!NOT_CALLS.contains(target.getName())) {
                        calls.add(service + ":" + target.getName());
                    }
                    continue;
                }
                if (!owner.getPackageName().startsWith(ROOT)) {
                    continue;
                }
                if (target instanceof AccessTarget.ConstructorCallTarget || target instanceof AccessTarget.ConstructorReferenceTarget) {
                    // A constructed object's methods may be called back by anything it is handed to (a Thread, picocli).
                    if (constructed.add(owner)) {
                        todo.addAll(owner.getCodeUnits());
                    }
                }
                if (target instanceof AccessTarget.CodeUnitAccessTarget cut) {
                    cut.resolveMember().ifPresent(todo::add);
                    // An interface or overridable method: every implementation in the project.
                    for (JavaClass sub : owner.getAllSubclasses()) {
                        sub.tryGetCodeUnitWithParameterTypeNames(target.getName(), cut.getRawParameterTypes().stream()
                                .map(JavaClass::getName).toList()).ifPresent(todo::add);
                    }
                }
            }
        }
        return calls;
    }
}
