package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The Dockerfile cannot be built here (no container engine), so this checks what can go wrong without building:
 * versions agree with the root pom, base images are pinned, every path it copies is one the Maven build makes,
 * the users match the chart, and the build context lets every copied path through.
 */
class DockerfileTest {

    static final int CONTROLLER_UID = 10001;
    static final int SPARK_UID = 185;
    static final String SPARK_APP_JAR = "/opt/spark/jars/ndjson-parquet-spark-app.jar";

    private static final Path DOCKERFILE = Repo.root().resolve("Dockerfile");

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Dockerfile lines with continuations joined and comments dropped. */
    private static List<String> instructions() {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : read(DOCKERFILE).split("\n")) {
            if (line.trim().startsWith("#") && current.length() == 0) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                current.append(line);
                if (!current.toString().isBlank()) {
                    out.add(current.toString().trim());
                }
                current.setLength(0);
            }
        }
        return out;
    }

    /**
     * The images the docs tell you to build are the ones the chart pulls: every {@code docker build -t ...:<tag>} in the
     * Dockerfile and the READMEs uses the chart's appVersion (it said 0.1.0-SNAPSHOT while the chart pulled 0.1.0).
     */
    @Test
    void theTagsTheDocsBuildAreTheTagTheChartPulls() {
        String appVersion = Yaml.read(read(Repo.chart().resolve("Chart.yaml"))).path("appVersion").asString();
        java.util.regex.Pattern tag = java.util.regex.Pattern.compile("-t\\s+(\\S*ndjson-parquet/(controller|spark)):(\\S+)");
        int seen = 0;
        for (Path doc : List.of(DOCKERFILE, Repo.root().resolve("README.md"), Repo.chart().resolve("README.md"))) {
            java.util.regex.Matcher m = tag.matcher(read(doc));
            while (m.find()) {
                assertEquals(appVersion, m.group(3), doc.getFileName() + ": " + m.group());
                seen++;
            }
        }
        assertTrue(seen >= 4, "the Dockerfile and the README show both builds: " + seen);
        JsonNode defaults = Yaml.read(read(Repo.chart().resolve("values.yaml")));
        assertEquals("", defaults.path("image").path("tag").asString(), "the chart pulls its appVersion");
    }

    /**
     * No image of this project is published, so the default repositories must not name one someone else could publish:
     * their registry is RFC 2606's reserved {@code .invalid}, which never resolves, and the NOTES ask for them.
     */
    @Test
    void theDefaultImageRepositoriesCannotPullSomeoneElsesImage() {
        JsonNode defaults = Yaml.read(read(Repo.chart().resolve("values.yaml")));
        for (JsonNode repository : List.of(defaults.path("image").path("repository"), defaults.path("spark").path("image").path("repository"))) {
            String registry = repository.asString().substring(0, repository.asString().indexOf('/'));
            assertTrue(registry.endsWith(".invalid"), repository.asString());
        }
        String notes = NotesTest.notes();
        assertTrue(notes.contains("image.repository (no image is published") && notes.contains("spark.image.repository"), notes);
        assertTrue(!NotesTest.notes(Chart.values("all-on.yaml")).contains("image.repository"), "no warning once they are set");
    }

    /** Default of a global build argument, with earlier arguments expanded. */
    static String buildArg(String name) {
        return globalArgs().get(name);
    }

    private static Map<String, String> globalArgs() {
        Map<String, String> args = new LinkedHashMap<>();
        for (String i : instructions()) {
            if (i.startsWith("FROM ")) {
                break;
            }
            Matcher m = Pattern.compile("^ARG (\\w+)=(\\S+)$").matcher(i);
            if (m.matches()) {
                args.put(m.group(1), expand(m.group(2), args));
            }
        }
        return args;
    }

    private static String expand(String text, Map<String, String> args) {
        Matcher m = Pattern.compile("\\$\\{(\\w+)}").matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = args.get(m.group(1));
            if (value == null) {
                throw new AssertionError("build argument " + m.group(1) + " has no default");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Instructions of one stage ("FROM ... AS name" up to the next FROM). */
    private static List<String> stage(String name) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String i : instructions()) {
            if (i.startsWith("FROM ")) {
                in = i.endsWith(" AS " + name);
                continue;
            }
            if (in) {
                out.add(i);
            }
        }
        assertFalse(out.isEmpty(), "no stage " + name);
        return out;
    }

    private static String pomProperty(String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(read(Repo.root().resolve("pom.xml")));
        assertTrue(m.find(), "root pom has no " + name);
        return m.group(1).trim();
    }

    private static String projectVersion() {
        Matcher m = Pattern.compile("<artifactId>ndjson-parquet-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(read(Repo.root().resolve("pom.xml")));
        assertTrue(m.find());
        return m.group(1);
    }

    @Test
    void versionsAreBuildArgumentsThatMatchTheRootPom() {
        assertEquals(projectVersion(), buildArg("VERSION"));
        assertEquals(pomProperty("spark.version"), buildArg("SPARK_VERSION"));
        assertEquals(pomProperty("scala.binary.version"), buildArg("SCALA_BINARY_VERSION"));
        assertEquals(pomProperty("hadoop.version"), buildArg("HADOOP_VERSION"));
        assertEquals(pomProperty("maven.compiler.release"), buildArg("JAVA_VERSION"));
        assertEquals("apache/spark:" + pomProperty("spark.version") + "-scala" + pomProperty("scala.binary.version") + "-java"
                + pomProperty("maven.compiler.release") + "-ubuntu", buildArg("SPARK_IMAGE"), "the official image of the same Spark");
    }

    @Test
    void everyBaseImageIsPinnedToAnExactRelease() {
        Map<String, String> args = globalArgs();
        List<String> stages = new ArrayList<>();
        for (String i : instructions()) {
            if (!i.startsWith("FROM ")) {
                continue;
            }
            String[] parts = i.split("\\s+");
            String image = expand(parts[1], args);
            stages.add(parts[parts.length - 1]);
            if (stages.contains(image)) {
                continue;
            }
            boolean digest = image.contains("@sha256:");
            String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "";
            assertTrue(digest || tag.matches("\\d+\\.\\d+\\.\\d+.*"), image + " is not pinned to an exact release");
        }
        assertTrue(stages.containsAll(List.of("build", "controller", "spark")), stages.toString());
    }

    @Test
    void theBuildStageCopiesEveryModulePomAndTheSourcesOfTheModulesItBuilds() {
        String root = read(Repo.root().resolve("pom.xml"));
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(root);
        List<String> build = stage("build");
        while (m.find()) {
            String module = m.group(1);
            assertTrue(build.contains("COPY " + module + "/pom.xml " + module + "/"), "the build stage lacks " + module + "/pom.xml; Maven reads every module");
        }
        // Modules the images are built from, and the project modules they depend on (any scope: Maven resolves test scope too).
        for (String module : List.of("common", "spark-app", "controller")) {
            assertTrue(build.contains("COPY " + module + "/src " + module + "/src"), module + " sources");
            Matcher deps = Pattern.compile("<groupId>dev.ndjsonparquet</groupId>\\s*<artifactId>([^<]+)</artifactId>")
                    .matcher(read(Repo.root().resolve(module).resolve("pom.xml")));
            while (deps.find()) {
                String dep = deps.group(1);
                if (dep.equals("ndjson-parquet-parent")) {
                    continue;
                }
                assertTrue(build.contains("COPY " + dep + "/src " + dep + "/src"), module + " needs " + dep + " sources");
            }
        }
        String mvn = build.stream().filter(i -> i.contains(" package ")).findFirst().orElseThrow();
        assertTrue(mvn.contains("-pl common,spark-app,controller -am"), mvn);
        int deps = build.indexOf(build.stream().filter(i -> i.contains("dependency:go-offline")).findFirst().orElseThrow());
        int sources = build.indexOf("COPY common/src common/src");
        assertTrue(deps < sources, "the dependency layer comes before the sources, so it stays cached");
    }

    @Test
    void theToolModulesAreNeverBuiltIntoAnImage() {
        List<String> build = stage("build");
        for (String module : List.of("tools", "spark-tools")) {
            assertTrue(build.contains("COPY " + module + "/pom.xml " + module + "/"), "Maven reads " + module + "/pom.xml");
            assertFalse(build.stream().anyMatch(i -> i.contains(module + "/src") || i.contains(module + "/target")),
                    module + " is copied into the build: " + build);
            assertFalse(build.stream().anyMatch(i -> i.matches(".*-pl \\S*\\b" + module + "\\b.*")), module + " is built for an image");
        }
        // Nothing to strip from spark-app's classpath any more (DuckDB moved to spark-tools); ImageClasspathTest lists what is left.
        assertFalse(String.join("\n", stage("spark-deps")).contains("case "), "the Spark image's jars are picked without exceptions");
    }

    @Test
    void theJarsItCopiesAreTheOnesTheBuildMakes() {
        String version = buildArg("VERSION");
        String build = String.join("\n", stage("build"));
        for (String module : List.of("controller", "spark-app")) {
            String pom = read(Repo.root().resolve(module).resolve("pom.xml"));
            assertTrue(pom.contains("<artifactId>" + module + "</artifactId>"), module + " artifactId");
            assertFalse(pom.contains("<finalName>"), module + " renames its jar");
            assertTrue(pom.contains("<goal>copy-dependencies</goal>") && pom.contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>")
                    && pom.contains("<includeScope>runtime</includeScope>"), module + " copies its runtime classpath to target/lib");
            assertTrue(build.contains(module + "/target/" + module + "-${VERSION}.jar"), module + " jar");
            assertTrue(build.contains(module + "/target/lib"), module + " lib");
            // When a build has run, the names are the real ones.
            Path target = Repo.root().resolve(module).resolve("target");
            if (Files.isRegularFile(target.resolve(module + "-" + version + ".jar"))) {
                assertTrue(Files.isDirectory(target.resolve("lib")), module + "/target/lib after package");
            }
        }
        assertTrue(String.join("\n", stage("spark")).contains("/out/spark/ndjson-parquet-spark-app.jar " + SPARK_APP_JAR));
        assertTrue(build.contains("/out/spark/ndjson-parquet-spark-app.jar"));
    }

    @Test
    void theControllerImageRunsTheCliAsTheChartsUserWithoutSpark() throws IOException {
        List<String> controller = stage("controller");
        String user = controller.stream().filter(i -> i.startsWith("USER ")).reduce((a, b) -> b).orElseThrow().substring(5);
        assertEquals(CONTROLLER_UID + ":" + CONTROLLER_UID, expand(user, globalArgs()));
        assertEquals(String.valueOf(CONTROLLER_UID), buildArg("CONTROLLER_UID"));
        String entry = controller.stream().filter(i -> i.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        assertTrue(entry.contains("dev.ndjsonparquet.controller.cli.Main"), entry);
        assertTrue(Files.isRegularFile(Repo.root().resolve("controller/src/main/java/dev/ndjsonparquet/controller/cli/Main.java")));
        assertTrue(controller.contains("CMD [\"dispatcher\"]"), "the dispatcher by default; the chart passes the subcommand");

        JsonNode values = Yaml.read(Files.readString(Repo.chart().resolve("values.yaml")));
        assertEquals(CONTROLLER_UID, values.path("controller").path("securityContext").path("runAsUser").asInt());
        assertEquals(CONTROLLER_UID, values.path("controller").path("podSecurityContext").path("runAsUser").asInt());

        String pom = read(Repo.root().resolve("controller/pom.xml"));
        assertFalse(pom.contains("<groupId>org.apache.spark</groupId>"), "Spark stays off the controller's classpath");
        Path lib = Repo.root().resolve("controller/target/lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> jars = Files.list(lib)) {
                assertEquals(List.of(), jars.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("spark-")).toList());
            }
        }
    }

    @Test
    void theSparkImageKeepsSparksUserAndPutsTheJarWhereTheChartLooks() throws IOException {
        List<String> spark = stage("spark");
        assertEquals("USER " + SPARK_UID, spark.get(spark.size() - 1));
        JsonNode values = Yaml.read(Files.readString(Repo.chart().resolve("values.yaml")));
        assertEquals("local://" + SPARK_APP_JAR, values.path("spark").path("mainApplicationFile").asString());
        assertEquals(SPARK_UID, values.path("spark").path("securityContext").path("runAsUser").asInt());
        assertEquals(buildArg("SPARK_VERSION"), values.path("spark").path("sparkVersion").asString());
        String deps = String.join("\n", stage("spark-deps"));
        assertTrue(deps.contains("hadoop-aws-${HADOOP_VERSION}.jar"), "S3A's hadoop-aws must make it into the image");
    }

    @Test
    void theBuildContextLetsEveryCopiedPathThroughAndNothingBuilt() {
        List<String> ignore = read(Repo.root().resolve(".dockerignore")).lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals("*", ignore.get(0), "an allowlist");
        assertTrue(ignore.contains("**/target/"), "local build output stays out of the context");
        for (String i : instructions()) {
            if (i.startsWith("COPY ") && !i.contains("--from=")) {
                String[] parts = i.split("\\s+");
                String source = parts[1];
                assertTrue(ignore.contains("!" + source) || ignore.contains("!" + source + "/"), ".dockerignore drops " + source);
            }
        }
    }
}
