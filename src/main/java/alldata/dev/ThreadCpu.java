package alldata.dev;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of this process's threads, grouped by name (digits folded, so that the three nodes' stream
 * threads are one group): where a phase's CPU went. Threads that end during a phase are not counted.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> startNanos = new HashMap<>();
    private final Map<Long, Long> startUserNanos = new HashMap<>();

    private ThreadCpu() {
    }

    /** A reading of every live thread's CPU time, to compare with later. */
    static ThreadCpu start() {
        ThreadCpu t = new ThreadCpu();
        if (THREADS.isThreadCpuTimeSupported()) {
            for (long id : THREADS.getAllThreadIds()) {
                t.startNanos.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
                t.startUserNanos.put(id, Math.max(0, THREADS.getThreadUserTime(id)));
            }
        }
        return t;
    }

    /** CPU nanoseconds since {@link #start} per thread group, largest first. */
    Map<String, Long> byGroup() {
        return byGroup(false);
    }

    private Map<String, Long> byGroup(boolean userOnly) {
        Map<String, Long> groups = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long now = userOnly ? THREADS.getThreadUserTime(id) : THREADS.getThreadCpuTime(id);
            var info = THREADS.getThreadInfo(id);
            if (now < 0 || info == null) {
                continue;
            }
            long used = now - (userOnly ? startUserNanos : startNanos).getOrDefault(id, 0L);
            if (used > 0) {
                groups.merge(group(info.getThreadName()), used, Long::sum);
            }
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /**
     * CPU nanoseconds since {@link #start} of the sidecars' own threads: coordinator stream threads and their
     * Kafka clients, replica writers, store group committers, the sidecars' producers, membership, repair and HTTP.
     * Not the broker, not the load generator ({@code alldata-client-*}, its producer), not JIT or GC. RocksDB's own
     * background threads (flush, compaction) are native and not seen here.
     */
    long sidecarNanos() {
        long sum = 0;
        for (long id : THREADS.getAllThreadIds()) {
            long now = THREADS.getThreadCpuTime(id);
            var info = THREADS.getThreadInfo(id);
            if (now >= 0 && info != null && isSidecar(info.getThreadName())) {
                sum += Math.max(0, now - startNanos.getOrDefault(id, 0L));
            }
        }
        return sum;
    }

    /** Whether a thread of this name belongs to a sidecar (by the names the sidecar gives its threads and clients). */
    static boolean isSidecar(String threadName) {
        if (threadName.startsWith("alldata-client") || threadName.startsWith("alldata-close")) {
            return false;
        }
        return threadName.startsWith("alldata-") || threadName.contains("| alldata-")
                || threadName.contains("coordinator-node-");
    }

    /** One line per group with at least 1 % of the total: µs per event, share, and the share spent in the kernel. */
    String report(int events) {
        Map<String, Long> g = byGroup(false);
        Map<String, Long> user = byGroup(true);
        long total = g.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder sb = new StringBuilder();
        g.forEach((name, ns) -> {
            if (ns * 100 >= total) {
                long sys = Math.max(0, ns - user.getOrDefault(name, 0L));
                sb.append(String.format("  %6.1f us/event %5.1f%%  (kernel %3.0f%%)  %s%n", ns / 1e3 / events,
                        ns * 100.0 / total, sys * 100.0 / ns, name));
            }
        });
        return sb.toString();
    }

    static String group(String threadName) {
        return threadName.replaceAll("bench[0-9a-f]+\\.?", "").replaceAll("[0-9]+", "N");
    }
}
