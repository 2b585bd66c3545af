package alldata.dev;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Requests the embedded broker served, by type (its own {@code RequestsPerSec} meters, read over JMX): what a phase asked
 * of the broker. A broker's CPU goes mostly per request, not per record, so this says where batching is
 * missing.
 */
final class BrokerRequests {
    private final Map<String, Long> start;

    private BrokerRequests(Map<String, Long> start) {
        this.start = start;
    }

    static BrokerRequests start() {
        return new BrokerRequests(counts());
    }

    private static Map<String, Long> counts() {
        Map<String, Long> counts = new HashMap<>();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            for (ObjectName name : server.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
                String type = name.getKeyProperty("request");
                if (type != null) {
                    counts.merge(type, ((Number) server.getAttribute(name, "Count")).longValue(), Long::sum);
                }
            }
        } catch (JMException e) {
            // diagnostics only: an unreadable meter leaves its type out of the report
        }
        return counts;
    }

    /** Requests per event of each type that served at least one request per 100 events, most first. */
    String report(int events) {
        Map<String, Long> delta = new HashMap<>();
        counts().forEach((type, n) -> delta.put(type, n - start.getOrDefault(type, 0L)));
        Map<String, Long> sorted = new LinkedHashMap<>();
        delta.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        StringBuilder sb = new StringBuilder();
        sorted.forEach((type, n) -> {
            if (n * 100 >= events) {
                sb.append(String.format("  %7.3f per event  %s%n", (double) n / events, type));
            }
        });
        return sb.toString();
    }
}
