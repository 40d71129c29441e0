package dev.ndjsonparquet.deploy;

/**
 * What the kubelet of an EKS node (AL2023 AMI, as Karpenter configures it) leaves to pods, computed as the node
 * computes it: allocatable = capacity - kube-reserved - eviction threshold, then what the daemon sets request.
 * <ul>
 *   <li>memory capacity as Karpenter estimates it before launch: the instance's memory less 7.5%
 *       ({@code VM_MEMORY_OVERHEAD_PERCENT}, the part the hypervisor and kernel keep; the kubelet later reports a
 *       little more, so a pod set that fits this estimate fits the node);</li>
 *   <li>kube-reserved CPU: 6% of the first core, 1% of the second, 0.5% of the third and fourth, 0.25% of the rest;
 *       kube-reserved memory: 11 MiB per pod of max-pods plus 255 MiB; kube-reserved ephemeral storage 1 GiB;</li>
 *   <li>eviction thresholds: {@code memory.available} 100 MiB, {@code nodefs.available} 10% of the root volume;</li>
 *   <li>daemon sets: a budget of 500m CPU and 1 GiB (the VPC CNI 25m, kube-proxy 100m, the EBS CSI node plug-in
 *       30m / 120 MiB, the Pod Identity agent, and a log and a metrics agent).</li>
 * </ul>
 */
record NodeAllocatable(long cpuMillis, long memoryMib, long ephemeralMib) {

    static final double KARPENTER_VM_MEMORY_OVERHEAD = 0.075;
    static final long DAEMON_SET_CPU_MILLIS = 500;
    static final long DAEMON_SET_MEMORY_MIB = 1024;

    /** An instance type: vCPUs, memory in GiB and its ENI-limited max pods (the EKS AMI's eni-max-pods). */
    record InstanceType(String name, int vcpu, double memoryGib, int maxPods) {
        static final InstanceType M6I_4XLARGE = new InstanceType("m6i.4xlarge", 16, 64, 234);
    }

    /** What pods may request on a node of this type with a root volume of {@code diskGib}, daemon sets taken off. */
    static NodeAllocatable of(InstanceType type, long diskGib) {
        long capacityMemoryMib = (long) Math.floor(type.memoryGib() * 1024 * (1 - KARPENTER_VM_MEMORY_OVERHEAD));
        long memory = capacityMemoryMib - (11L * type.maxPods() + 255) - 100 - DAEMON_SET_MEMORY_MIB;
        long cpu = type.vcpu() * 1000L - kubeReservedCpuMillis(type.vcpu()) - DAEMON_SET_CPU_MILLIS;
        long diskMib = diskGib * 1024;
        long ephemeral = diskMib - 1024 - (long) Math.ceil(diskMib * 0.10);
        return new NodeAllocatable(cpu, memory, ephemeral);
    }

    static long kubeReservedCpuMillis(int vcpu) {
        double millis = 0;
        for (int core = 1; core <= vcpu; core++) {
            millis += 1000 * (core == 1 ? 0.06 : core == 2 ? 0.01 : core <= 4 ? 0.005 : 0.0025);
        }
        return Math.round(millis);
    }

    /** Whole pods of these requests on one node: the first resource to run out decides. */
    long podsPerNode(long podCpuMillis, long podMemoryMib, long podEphemeralMib) {
        return Math.min(cpuMillis / podCpuMillis, Math.min(memoryMib / podMemoryMib, ephemeralMib / podEphemeralMib));
    }
}
