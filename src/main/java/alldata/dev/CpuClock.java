package alldata.dev;

import java.lang.management.ManagementFactory;

/** CPU time used by this whole process (every thread, GC and JIT included): what a run costs, not just how fast it is. */
final class CpuClock {
    private CpuClock() {
    }

    /** Nanoseconds of CPU this process has used so far, or -1 where the JVM does not tell. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime(); // -1 where the platform cannot measure it
        }
        return -1;
    }

    /** CPU used since {@code start} (a {@link #processCpuNanos()} reading), or -1 when either reading is unknown. */
    static long since(long start) {
        long now = processCpuNanos();
        return start < 0 || now < 0 ? -1 : now - start;
    }
}
