package alldata.dev;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/** Time the JIT compilers have spent so far (compiler threads are invisible to per-thread CPU time). */
final class Jit {
    private Jit() {
    }

    /** Milliseconds spent compiling so far, or 0 where the JVM does not tell. */
    static long compileMillis() {
        CompilationMXBean c = ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : 0;
    }
}
