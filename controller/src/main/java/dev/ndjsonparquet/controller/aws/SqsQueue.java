package dev.ndjsonparquet.controller.aws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * One SQS queue, with only the calls the controller needs: the dispatcher and the manifest builder both reach
 * SQS through it, so neither handles SDK types. Errors are the SDK's, thrown to the caller; the batch forms
 * return the entries SQS refused (a whole call that fails throws, and may have taken effect).
 */
public final class SqsQueue {

    /** SQS takes at most this many entries in one batch call. */
    static final int MAX_BATCH = 10;

    /**
     * A received message.
     *
     * @param attributes its string message attributes (a redriven dead letter carries the dispatcher's
     *                   {@code cause}, {@code reason}, ... attributes)
     */
    public record Received(String messageId, String receiptHandle, String body, int receiveCount, Map<String, String> attributes) {
        public Received {
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        }

        public Received(String messageId, String receiptHandle, String body, int receiveCount) {
            this(messageId, receiptHandle, body, receiveCount, Map.of());
        }
    }

    /** An entry of a batch call that SQS refused, with its receipt and SQS's code and message. */
    public record Refused(String receiptHandle, String code, String message) {
    }

    private final SqsClient sqs;
    private final String url;

    public SqsQueue(SqsClient sqs, String url) {
        this.sqs = sqs;
        this.url = url;
    }

    public String url() {
        return url;
    }

    /**
     * Long-polls for up to {@code max} messages (1..10), waiting at most {@code waitSeconds} (0..20),
     * and hides them for {@code visibilitySeconds}.
     */
    public List<Received> receive(int max, int waitSeconds, int visibilitySeconds) {
        return sqs.receiveMessage(r -> r.queueUrl(url)
                        .maxNumberOfMessages(Math.max(1, Math.min(10, max)))
                        .waitTimeSeconds(Math.max(0, Math.min(20, waitSeconds)))
                        .visibilityTimeout(visibilitySeconds)
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
                        .messageAttributeNames("All"))
                .messages().stream()
                .map(m -> new Received(m.messageId(), m.receiptHandle(), m.body(),
                        Integer.parseInt(m.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1")),
                        stringAttributes(m.messageAttributes())))
                .toList();
    }

    private static Map<String, String> stringAttributes(Map<String, MessageAttributeValue> attrs) {
        Map<String, String> out = new LinkedHashMap<>();
        attrs.forEach((k, v) -> {
            if (v.stringValue() != null) {
                out.put(k, v.stringValue());
            }
        });
        return out;
    }

    /** Hides the message for another {@code seconds} from now. */
    public void extendVisibility(String receiptHandle, int seconds) {
        sqs.changeMessageVisibility(r -> r.queueUrl(url).receiptHandle(receiptHandle).visibilityTimeout(seconds));
    }

    /**
     * Hides the message for another {@code seconds} from now, if it is still in flight with this receipt. False when
     * SQS answers that it is not (deleted, visible again, its receipt replaced by a later receive, or past the 12 hours
     * a message may stay in flight): an answer about the message, not SQS failing. Other errors are thrown.
     */
    public boolean extendVisibilityIfInFlight(String receiptHandle, int seconds) {
        try {
            extendVisibility(receiptHandle, seconds);
            return true;
        } catch (ReceiptHandleIsInvalidException e) {
            return false;
        } catch (SqsException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if ("MessageNotInflight".equals(code) || "AWS.SimpleQueueService.MessageNotInflight".equals(code)
                    || "InvalidParameterValue".equals(code)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Deletes the message. A receipt SQS calls invalid is taken as done: SQS succeeds on a message
     * already deleted, and some servers answer so when a delete that timed out had taken effect.
     */
    public void delete(String receiptHandle) {
        try {
            sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(receiptHandle));
        } catch (ReceiptHandleIsInvalidException e) {
            // deleted already
        }
    }

    /**
     * Deletes the messages, {@value #MAX_BATCH} to a call, in order. Returns the entries SQS refused; a call
     * that throws stops there (the calls before it took effect, and it may have too).
     */
    public List<Refused> deleteAll(List<String> receiptHandles) {
        List<Refused> refused = new ArrayList<>();
        for (int i = 0; i < receiptHandles.size(); i += MAX_BATCH) {
            List<String> chunk = receiptHandles.subList(i, Math.min(receiptHandles.size(), i + MAX_BATCH));
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int j = 0; j < chunk.size(); j++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(j)).receiptHandle(chunk.get(j)).build());
            }
            refused(chunk, sqs.deleteMessageBatch(r -> r.queueUrl(url).entries(entries)).failed(), refused);
        }
        return refused;
    }

    /**
     * Hides the messages for another {@code seconds} from now, {@value #MAX_BATCH} to a call, in order. Returns
     * the entries SQS refused; a call that throws stops there.
     */
    public List<Refused> extendVisibilityAll(List<String> receiptHandles, int seconds) {
        List<Refused> refused = new ArrayList<>();
        for (int i = 0; i < receiptHandles.size(); i += MAX_BATCH) {
            List<String> chunk = receiptHandles.subList(i, Math.min(receiptHandles.size(), i + MAX_BATCH));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int j = 0; j < chunk.size(); j++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(String.valueOf(j))
                        .receiptHandle(chunk.get(j)).visibilityTimeout(seconds).build());
            }
            refused(chunk, sqs.changeMessageVisibilityBatch(r -> r.queueUrl(url).entries(entries)).failed(), refused);
        }
        return refused;
    }

    private static void refused(List<String> chunk, List<BatchResultErrorEntry> failed, List<Refused> into) {
        for (BatchResultErrorEntry f : failed) {
            String receipt = null;
            try {
                receipt = chunk.get(Integer.parseInt(f.id()));
            } catch (RuntimeException e) {
                // an id SQS did not get from us: report the entry without its receipt
            }
            into.add(new Refused(receipt, f.code(), f.message()));
        }
    }

    /** Sends a message without attributes; returns its message id. */
    public String send(String body) {
        return send(body, Map.of());
    }

    /** Sends a message with string attributes; returns its message id. */
    public String send(String body, Map<String, String> attributes) {
        Map<String, MessageAttributeValue> attrs = new LinkedHashMap<>();
        attributes.forEach((k, v) -> attrs.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        return sqs.sendMessage(r -> {
            r.queueUrl(url).messageBody(body);
            if (!attrs.isEmpty()) {
                r.messageAttributes(attrs);
            }
        }).messageId();
    }

    /** Null when the queue exists and can be read, else why not (for the start-up check). */
    public String problem() {
        try {
            sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN));
            return null;
        } catch (QueueDoesNotExistException e) {
            return "queue " + url + " does not exist";
        } catch (SqsException e) {
            return "queue " + url + " cannot be read: " + e.awsErrorDetails().errorMessage();
        }
    }

    /** Visible plus in-flight messages, or empty if SQS did not say. */
    public OptionalLong approximateDepth() {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        try {
            return OptionalLong.of(Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
                    + Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
