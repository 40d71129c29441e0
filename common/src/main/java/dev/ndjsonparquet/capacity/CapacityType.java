package dev.ndjsonparquet.capacity;

import java.util.Locale;
import java.util.Map;

/**
 * How a node is bought, from the labels its autoscaler puts on it: Karpenter's {@code karpenter.sh/capacity-type}
 * ({@code spot}, {@code on-demand}, {@code reserved}) or an EKS managed node group's
 * {@code eks.amazonaws.com/capacityType} ({@code SPOT}, {@code ON_DEMAND}, {@code CAPACITY_BLOCK}). Reserved capacity
 * and capacity blocks are paid for whether used or not, at no spot discount: they count as on-demand. A node without
 * either label, or one that may not be read (the dispatcher, the Spark driver), is {@link #UNKNOWN}. Pure.
 */
public enum CapacityType {
    SPOT("spot"), ON_DEMAND("on-demand"), UNKNOWN("unknown");

    public static final String KARPENTER_LABEL = "karpenter.sh/capacity-type";
    public static final String EKS_LABEL = "eks.amazonaws.com/capacityType";

    private final String tag;

    CapacityType(String tag) {
        this.tag = tag;
    }

    /** The metric tag value ({@code capacity_type}) and the word in annotations and logs. */
    public String tag() {
        return tag;
    }

    /** The capacity type of a node with these labels (null: none). */
    public static CapacityType of(Map<String, String> nodeLabels) {
        if (nodeLabels == null) {
            return UNKNOWN;
        }
        String v = nodeLabels.getOrDefault(KARPENTER_LABEL, nodeLabels.get(EKS_LABEL));
        if (v == null) {
            return UNKNOWN;
        }
        return switch (v.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "spot" -> SPOT;
            case "on-demand", "reserved", "capacity-block" -> ON_DEMAND;
            default -> UNKNOWN;
        };
    }
}
