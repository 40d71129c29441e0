package dev.ndjsonparquet.tools.soak;

import java.util.Locale;

/**
 * One HTTP call seen by a {@link FaultProxy}, named as the API names it ({@code s3 PutObject}, {@code sqs ReceiveMessage},
 * {@code k8s patch leases}), with the caller that made it. Pure: built from the request line and two headers.
 *
 * @param server    s3, sqs or k8s
 * @param operation the API operation
 * @param caller    the component that called (its {@code x-soak-caller} header; {@code spark} for S3A's calls)
 * @param writes    whether the call changes state (a kill is placed on such a call: it interrupts work in progress)
 */
public record Call(String server, String operation, String caller, boolean writes) {

    /** The header each of the soak's own clients sends with its component's name. */
    public static final String CALLER_HEADER = "x-soak-caller";

    /** The call's name in the report: server and operation. */
    public String name() {
        return server + " " + operation;
    }

    /**
     * @param server    s3, sqs or k8s
     * @param method    the HTTP method
     * @param uri       path and query
     * @param target    the {@code X-Amz-Target} header (SQS's JSON protocol), or null
     * @param copySource the {@code x-amz-copy-source} header (S3 copies), or null
     * @param caller    the {@code x-soak-caller} header, or null
     * @param userAgent the {@code User-Agent} header, or null
     */
    public static Call of(String server, String method, String uri, String target, String copySource, String caller,
                          String userAgent) {
        String who = caller != null ? caller
                : userAgent != null && userAgent.toLowerCase(Locale.ROOT).contains("hadoop") ? "spark" : "other";
        String m = method.toUpperCase(Locale.ROOT);
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String query = q < 0 ? "" : uri.substring(q + 1);
        return switch (server) {
            case "sqs" -> sqs(target, who);
            case "s3" -> s3(m, path, query, copySource, who);
            default -> k8s(m, path, query, who);
        };
    }

    private static Call sqs(String target, String who) {
        String op = target == null ? "unknown" : target.substring(target.indexOf('.') + 1);
        boolean writes = op.startsWith("Delete") || op.startsWith("ChangeMessageVisibility") || op.startsWith("Send")
                || op.startsWith("Purge");
        return new Call("sqs", op, who, writes);
    }

    private static Call s3(String m, String path, String query, String copySource, String who) {
        String[] parts = path.replaceFirst("^/", "").split("/", 2);
        boolean object = parts.length == 2 && !parts[1].isEmpty();
        String op = switch (m) {
            case "GET" -> object ? "GetObject" : query.contains("uploads") ? "ListMultipartUploads" : "ListObjects";
            case "HEAD" -> object ? "HeadObject" : "HeadBucket";
            case "PUT" -> !object ? "CreateBucket"
                    : query.contains("partNumber") ? (copySource != null ? "UploadPartCopy" : "UploadPart")
                    : copySource != null ? "CopyObject" : "PutObject";
            case "POST" -> query.contains("delete") ? "DeleteObjects" : query.contains("uploads") ? "CreateMultipartUpload"
                    : query.contains("uploadId") ? "CompleteMultipartUpload" : "Post";
            case "DELETE" -> query.contains("uploadId") ? "AbortMultipartUpload" : object ? "DeleteObject" : "DeleteBucket";
            default -> m;
        };
        return new Call("s3", op, who, !m.equals("GET") && !m.equals("HEAD"));
    }

    private static Call k8s(String m, String path, String query, String who) {
        // /api/v1/namespaces/<ns>/<plural>[/<name>[/<sub>]] or /apis/<group>/<version>/namespaces/<ns>/...
        String[] s = path.replaceFirst("^/", "").split("/");
        int ns = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i].equals("namespaces") && i + 2 < s.length) {
                ns = i;
                break;
            }
        }
        String resource;
        boolean named;
        if (ns >= 0) {
            resource = s[ns + 2] + (s.length > ns + 4 ? "/" + s[ns + 4] : "");
            named = s.length > ns + 3;
        } else {
            resource = s.length > 0 ? s[s.length - 1] : "";
            named = false;
        }
        String verb = switch (m) {
            case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            default -> m.toLowerCase(Locale.ROOT);
        };
        boolean writes = !m.equals("GET") && !resource.startsWith("leases") && !resource.startsWith("events");
        return new Call("k8s", verb + " " + resource, who, writes);
    }
}
