package dev.ndjsonparquet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The IAM actions the project's AWS calls need, and the tables of them in the chart README ("AWS access"), which each
 * component's test derives from the calls its code makes (issue 20, item 6): the controller's roles from the SDK
 * client methods their compiled classes call, the Spark application's from the operations S3A sends in a conversion.
 * An operation with no known action fails those tests, so a new call cannot go undocumented.
 */
public final class AwsActions {

    /** The chart README, from a module's directory. */
    public static final Path CHART_README = Path.of("..", "charts", "ndjson-parquet", "README.md");

    /**
     * IAM actions by operation ({@code service:Operation}, the API's name). SQS authorises a batch call with the single
     * call's action; S3 a HEAD with GetObject, a copy with GetObject on the source and PutObject on the target, every
     * step of a multipart upload but its abort with PutObject, a listing with ListBucket.
     */
    private static final Map<String, List<String>> BY_OPERATION = Map.ofEntries(
            Map.entry("s3:GetObject", List.of("s3:GetObject")),
            Map.entry("s3:HeadObject", List.of("s3:GetObject")),
            Map.entry("s3:PutObject", List.of("s3:PutObject")),
            Map.entry("s3:CopyObject", List.of("s3:GetObject", "s3:PutObject")),
            Map.entry("s3:CreateMultipartUpload", List.of("s3:PutObject")),
            Map.entry("s3:UploadPart", List.of("s3:PutObject")),
            Map.entry("s3:UploadPartCopy", List.of("s3:GetObject", "s3:PutObject")),
            Map.entry("s3:CompleteMultipartUpload", List.of("s3:PutObject")),
            Map.entry("s3:AbortMultipartUpload", List.of("s3:AbortMultipartUpload")),
            Map.entry("s3:ListMultipartUploads", List.of("s3:ListBucketMultipartUploads")),
            Map.entry("s3:DeleteObject", List.of("s3:DeleteObject")),
            Map.entry("s3:DeleteObjects", List.of("s3:DeleteObject")),
            Map.entry("s3:ListObjectsV2", List.of("s3:ListBucket")),
            Map.entry("s3:ListObjects", List.of("s3:ListBucket")),
            Map.entry("s3:HeadBucket", List.of("s3:ListBucket")),
            Map.entry("s3:GetBucketLocation", List.of("s3:GetBucketLocation")),
            Map.entry("sqs:ReceiveMessage", List.of("sqs:ReceiveMessage")),
            Map.entry("sqs:DeleteMessage", List.of("sqs:DeleteMessage")),
            Map.entry("sqs:DeleteMessageBatch", List.of("sqs:DeleteMessage")),
            Map.entry("sqs:ChangeMessageVisibility", List.of("sqs:ChangeMessageVisibility")),
            Map.entry("sqs:ChangeMessageVisibilityBatch", List.of("sqs:ChangeMessageVisibility")),
            Map.entry("sqs:SendMessage", List.of("sqs:SendMessage")),
            Map.entry("sqs:SendMessageBatch", List.of("sqs:SendMessage")),
            Map.entry("sqs:GetQueueAttributes", List.of("sqs:GetQueueAttributes")),
            Map.entry("sqs:GetQueueUrl", List.of("sqs:GetQueueUrl")));

    private AwsActions() {
    }

    /**
     * The actions an operation needs. {@code operation} is the API's name ({@code GetObject}) or an SDK client method
     * ({@code getObjectAsBytes}, {@code listObjectsV2Paginator}); null when no action is known for it.
     */
    public static List<String> of(String service, String operation) {
        String op = operation.replaceFirst("(AsBytes|Paginator)$", "");
        return BY_OPERATION.get(service + ":" + Character.toUpperCase(op.charAt(0)) + op.substring(1));
    }

    /** The generated table of the roles whose actions are derived exhaustively (the controller's), as markdown. */
    public static String table(Map<String, Set<String>> actionsByRole) {
        StringBuilder b = new StringBuilder("| Role | SQS actions | S3 actions |\n|---|---|---|\n");
        new TreeMap<>(actionsByRole).forEach((role, actions) -> b.append("| ").append(role).append(" | ")
                .append(list(actions, "sqs:")).append(" | ").append(list(actions, "s3:")).append(" |\n"));
        return b.toString();
    }

    private static String list(Set<String> actions, String prefix) {
        List<String> out = new ArrayList<>();
        new TreeSet<>(actions).stream().filter(a -> a.startsWith(prefix)).forEach(a -> out.add("`" + a + "`"));
        return out.isEmpty() ? "none" : String.join(", ", out);
    }

    /**
     * Fails unless the README's block between {@code <!-- name:start -->} and {@code <!-- name:end -->} is
     * {@code expected}; with {@code UPDATE_README=true} it rewrites the block instead.
     */
    public static void assertBlock(Path readme, String name, String expected) {
        String start = "<!-- " + name + ":start (generated by the AWS calls tests) -->\n";
        String end = "<!-- " + name + ":end -->";
        String text = read(readme);
        int s = text.indexOf(start);
        int e = text.indexOf(end);
        assertTrue(s >= 0 && e > s, readme + " has no block " + start.strip() + " ... " + end);
        String actual = text.substring(s + start.length(), e);
        if (!expected.equals(actual) && "true".equals(System.getenv("UPDATE_README"))) {
            write(readme, text.substring(0, s + start.length()) + expected + text.substring(e));
            return;
        }
        assertEquals(expected, actual, readme + ": the AWS actions table is stale; run this test with UPDATE_README=true");
    }

    /** The actions the README's hand-kept row for {@code role} (a line starting with "| role |") names. */
    public static Set<String> documentedRow(Path readme, String role) {
        Set<String> out = new TreeSet<>();
        for (String line : read(readme).split("\n")) {
            if (line.startsWith("| " + role + " |")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("`((?:s3|sqs):[A-Za-z]+)`").matcher(line);
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        assertTrue(!out.isEmpty(), readme + " has no row for " + role.toLowerCase(Locale.ROOT));
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, String text) {
        try {
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
