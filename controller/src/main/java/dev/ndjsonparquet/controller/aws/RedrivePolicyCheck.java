package dev.ndjsonparquet.controller.aws;

import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.settings.SettingsResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The start-up check that a queue has a redrive policy (issue 11): without one, a message that makes a
 * controller fail before it can settle it (a crash loop, a bug) comes back for ever instead of reaching a
 * dead-letter queue. Used by the builder (ingest and manifest queues) and the dispatcher (manifest queue).
 */
public final class RedrivePolicyCheck {

    private static final Logger LOG = LoggerFactory.getLogger(RedrivePolicyCheck.class);
    private static final Pattern TARGET = Pattern.compile("\"deadLetterTargetArn\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern MAX_RECEIVES = Pattern.compile("\"maxReceiveCount\"\\s*:\\s*\"?(\\d+)\"?");

    /** What a queue without a redrive policy does to start-up. */
    public enum Mode { REFUSE, WARN }

    private RedrivePolicyCheck() {
    }

    /**
     * The mode from the environment alone, for commands that do not declare {@code setting} among their
     * own (the builder reads the dispatcher's declaration, {@code DispatcherSettings.REDRIVE_POLICY_CHECK}).
     */
    public static Mode mode(Setting<Mode> setting, Map<String, String> env) {
        return SettingsResolver.resolve(List.of(setting), Map.of(), env, Map.of()).get(setting);
    }

    /**
     * Checks each queue (setting name to URL; null URLs skipped). In {@code REFUSE} mode returns one problem
     * per queue without a usable policy; in {@code WARN} mode logs them and returns nothing. A queue that
     * cannot be read is left to the existence check.
     */
    public static List<String> check(SqsClient sqs, Mode mode, Map<String, String> queues) {
        List<String> problems = new ArrayList<>();
        new TreeMap<>(queues).forEach((name, url) -> {
            if (url == null) {
                return;
            }
            try {
                String policy = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                        .attributes().get(QueueAttributeName.REDRIVE_POLICY);
                problem(policy).ifPresent(p -> problems.add(name + ": queue " + url + " " + p
                        + "; set its RedrivePolicy attribute, e.g. aws sqs set-queue-attributes --queue-url " + url
                        + " --attributes '{\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"<dead-letter queue ARN>\\\",\\\"maxReceiveCount\\\":\\\"10\\\"}\"}'"
                        + (mode == Mode.REFUSE ? " (or set redrive-policy-check=warn to start anyway)" : "")));
            } catch (SdkException e) {
                // unreachable or missing: reported by the queue existence check
            }
        });
        if (mode == Mode.WARN) {
            problems.forEach(p -> LOG.warn("starting anyway (redrive-policy-check=warn): {}", p));
            return List.of();
        }
        return problems;
    }

    /** Why a RedrivePolicy attribute value is not usable, or empty. */
    static Optional<String> problem(String policy) {
        if (policy == null || policy.isBlank()) {
            return Optional.of("has no redrive policy");
        }
        Matcher target = TARGET.matcher(policy);
        Matcher receives = MAX_RECEIVES.matcher(policy);
        if (!target.find()) {
            return Optional.of("has a redrive policy without deadLetterTargetArn");
        }
        if (!receives.find() || Integer.parseInt(receives.group(1)) < 1) {
            return Optional.of("has a redrive policy without a positive maxReceiveCount");
        }
        return Optional.empty();
    }
}
