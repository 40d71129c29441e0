package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The jars each image gets, from the packaged build, against an allow-list checked in beside this test
 * ({@code images/*.txt}, artifact names without versions): a jar that is not on it (an embedded SQS server, a mock
 * Kubernetes API, DuckDB, a tool module) or one on it that the image no longer gets fails the test. The controller
 * image gets the controller jar and all of {@code controller/target/lib}; the Spark image gets the spark-app jar and
 * the part of {@code spark-app/target/lib} that does not come through Spark (the Dockerfile's spark-deps stage skips
 * what the Spark image already has; {@link SparkClosure} works that part out from spark-app's dependency tree).
 * Needs {@code mvn package} first: without the build output it fails and says so, it never skips.
 */
class ImageClasspathTest {

    /** Never in an image, whatever an allow-list says. */
    private static final Set<String> NEVER = Set.of("tools", "spark-tools", "elasticmq-rest-sqs_2.13", "elasticmq-core_2.13",
            "pekko-actor_2.13", "pekko-http_2.13", "pekko-stream_2.13", "kubernetes-server-mock", "mockwebserver", "duckdb_jdbc",
            "junit-jupiter-api", "s3mock-junit5", "testcontainers");

    private static final String BUILD_FIRST = "; build it first with `mvn -q -B -DskipTests package` at the root "
            + "(these tests read what the build packaged, as the Dockerfile does)";

    @Test
    void theControllerImageGetsExactlyTheAllowedJars() {
        Path target = Repo.root().resolve("controller/target");
        SortedSet<String> jars = new TreeSet<>();
        jars.add(projectJar(target, "controller"));
        for (Path jar : libJars(target.resolve("lib"))) {
            jars.add(artifactName(jar.getFileName().toString()));
        }
        assertMatchesAllowList("images/controller-jars.txt", jars, "controller/target/lib");
    }

    @Test
    void theSparkImageGetsExactlyTheAllowedJars() {
        Path target = Repo.root().resolve("spark-app/target");
        Path tree = target.resolve("runtime-dependencies.txt");
        List<Path> lib = libJars(target.resolve("lib"));
        if (!Files.isRegularFile(tree)) {
            fail("spark-app's dependency tree " + tree + " is missing" + BUILD_FIRST);
        }
        SparkClosure closure = SparkClosure.parse(read(tree));
        SortedSet<String> jars = new TreeSet<>();
        jars.add(projectJar(target, "spark-app"));
        for (Path jar : lib) {
            String file = jar.getFileName().toString();
            String artifact = closure.artifactOfFile(file);
            if (artifact == null) {
                fail(file + " is in spark-app/target/lib but not in spark-app's dependency tree: a jar left by an earlier "
                        + "build; run `mvn -q -B clean package -DskipTests` at the root");
            }
            if (!closure.comesThroughSpark(artifact)) {
                jars.add(artifact);
            }
        }
        assertMatchesAllowList("images/spark-jars.txt", jars, "spark-app/target/lib");
    }

    @Test
    void noAllowListAdmitsATool() {
        for (String list : List.of("images/controller-jars.txt", "images/spark-jars.txt")) {
            SortedSet<String> allowed = allowList(list);
            allowed.retainAll(NEVER);
            assertEquals(Set.of(), allowed, list + " admits what must never be in an image");
        }
    }

    @Test
    void theClosureOfSparkIsFollowedThroughDuplicatesMavenLeftOut() {
        String tree = """
                dev.ndjsonparquet:spark-app:jar:0.1.0-SNAPSHOT
                +- dev.ndjsonparquet:common:jar:0.1.0-SNAPSHOT:compile
                |  \\- com.fasterxml.jackson.core:jackson-databind:jar:2.21.2:compile
                |     \\- com.fasterxml.jackson.core:jackson-core:jar:2.21.2:compile
                +- org.apache.spark:spark-sql_2.13:jar:4.2.0:compile
                |  +- (com.fasterxml.jackson.core:jackson-databind:jar:2.21.2:compile - omitted for duplicate)
                |  \\- io.netty:netty-transport-native-epoll:jar:linux-x86_64:4.2.13.Final:compile
                +- org.apache.spark:spark-hadoop-cloud_2.13:jar:4.1.1:compile
                \\- org.apache.hadoop:hadoop-aws:jar:3.5.0:compile
                """;
        SparkClosure c = SparkClosure.parse(tree);
        assertTrue(c.comesThroughSpark("spark-sql_2.13"));
        assertTrue(c.comesThroughSpark("jackson-databind"), "listed under Spark only as a duplicate");
        assertTrue(c.comesThroughSpark("jackson-core"), "a dependency of something Spark brings");
        assertTrue(!c.comesThroughSpark("common") && !c.comesThroughSpark("hadoop-aws") && !c.comesThroughSpark("spark-hadoop-cloud_2.13"));
        assertEquals("netty-transport-native-epoll", c.artifactOfFile("netty-transport-native-epoll-4.2.13.Final-linux-x86_64.jar"));
        assertEquals("hadoop-aws", c.artifactOfFile("hadoop-aws-3.5.0.jar"));
        assertEquals(null, c.artifactOfFile("duckdb_jdbc-1.5.2.0.jar"));
    }

    private static String projectJar(Path target, String module) {
        String version = DockerfileTest.buildArg("VERSION");
        Path jar = target.resolve(module + "-" + version + ".jar");
        if (!Files.isRegularFile(jar)) {
            fail(jar + " is missing" + BUILD_FIRST);
        }
        return module;
    }

    private static List<Path> libJars(Path lib) {
        if (!Files.isDirectory(lib)) {
            fail(lib + " is missing" + BUILD_FIRST);
        }
        try (Stream<Path> s = Files.list(lib)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Dockerfile's rule: the file name up to the first "-" followed by a digit. */
    static String artifactName(String fileName) {
        return fileName.replaceFirst("-[0-9].*$", "");
    }

    private static void assertMatchesAllowList(String list, SortedSet<String> actual, String lib) {
        SortedSet<String> allowed = allowList(list);
        SortedSet<String> unexpected = new TreeSet<>(actual);
        unexpected.removeAll(allowed);
        SortedSet<String> missing = new TreeSet<>(allowed);
        missing.removeAll(actual);
        if (!unexpected.isEmpty() || !missing.isEmpty()) {
            fail("the image's jars differ from deploy/src/test/resources/" + list + ":\n"
                    + "  not on the allow-list: " + unexpected + "\n"
                    + "  on it but not in the image: " + missing + "\n"
                    + "A new production dependency goes on the list (one artifact a line); a tool's stays out of " + lib
                    + ". Jars of an earlier build stay in target/lib until `mvn clean package`.");
        }
    }

    private static SortedSet<String> allowList(String resource) {
        try (InputStream in = ImageClasspathTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertTrue(in != null, "no resource " + resource);
            SortedSet<String> names = new TreeSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    names.add(l);
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * spark-app's runtime dependency tree (maven-dependency-plugin {@code tree}, verbose) read for one question:
     * does an artifact come through Spark? Spark's closure starts at {@code spark-sql} and follows every entry, the
     * ones Maven left out as duplicates included, through the children listed wherever that artifact appears.
     */
    static final class SparkClosure {

        private record Node(int depth, String artifactId, String fileName, boolean omitted, int parent) {
        }

        private final List<Node> nodes;
        private final Set<String> throughSpark;

        private SparkClosure(List<Node> nodes, Set<String> throughSpark) {
            this.nodes = nodes;
            this.throughSpark = throughSpark;
        }

        static SparkClosure parse(String tree) {
            List<Node> nodes = new ArrayList<>();
            List<Integer> stack = new ArrayList<>();
            for (String line : tree.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                int start = 0;
                while (start < line.length() && "|+-\\ ".indexOf(line.charAt(start)) >= 0) {
                    start++;
                }
                int depth = start / 3;
                String entry = line.substring(start);
                boolean omitted = entry.startsWith("(");
                // "(g:a:...:scope - omitted for duplicate)"; a kept entry may end in " (version managed from ...)".
                entry = omitted ? entry.substring(1).split(" ")[0].replaceAll("\\)$", "") : entry.split(" ")[0];
                String[] c = entry.split(":");
                // groupId:artifactId:type[:classifier]:version[:scope]
                boolean classified = c.length == 6;
                String version = classified ? c[4] : c[3];
                String file = c[1] + "-" + version + (classified ? "-" + c[3] : "") + ".jar";
                while (stack.size() > depth) {
                    stack.remove(stack.size() - 1);
                }
                int parent = stack.isEmpty() ? -1 : stack.get(stack.size() - 1);
                nodes.add(new Node(depth, c[1], file, omitted, parent));
                stack.add(nodes.size() - 1);
            }
            Set<String> through = new java.util.HashSet<>();
            for (Node n : nodes) {
                if (n.depth() == 1 && n.artifactId().startsWith("spark-sql_")) {
                    through.add(n.artifactId());
                }
            }
            boolean grew = true;
            while (grew) {
                grew = false;
                for (Node n : nodes) {
                    if (n.parent() >= 0 && through.contains(nodes.get(n.parent()).artifactId()) && through.add(n.artifactId())) {
                        grew = true;
                    }
                }
            }
            return new SparkClosure(nodes, through);
        }

        boolean comesThroughSpark(String artifactId) {
            return throughSpark.contains(artifactId);
        }

        /** The artifact a file of target/lib is of (Maven names it artifactId-version[-classifier].jar), or null. */
        String artifactOfFile(String fileName) {
            return nodes.stream().filter(n -> n.parent() >= 0 && !n.omitted() && n.fileName().equals(fileName))
                    .map(Node::artifactId).findFirst().orElse(null);
        }
    }
}
