package alldata.dev;

import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;

/**
 * What one run of a load measured.
 *
 * @param events    events offered
 * @param succeeded events that came back as wanted (a COMMITTED put, a consumed record)
 * @param failed    events that came back otherwise (a FAILED outcome, an error)
 * @param seconds   from the first send until the last event came back
 * @param latency   of each succeeded event, in microseconds, from its intended send time
 * @param lateSends open loop: events held back past their due time because {@code window} were in flight
 *                  (always 0 in a closed loop, where every send waits for a slot by design)
 * @param cpuNanos  CPU time of this whole process over the run, or -1 where the JVM does not tell
 */
public record LoadResult(int events, long succeeded, long failed, double seconds, Histogram latency, long lateSends,
                         long cpuNanos) {

    /** Events per second achieved. */
    public double eventsPerS() {
        return events / seconds;
    }

    /** Process CPU microseconds per succeeded event, if the JVM measures process CPU time and any succeeded. */
    public OptionalDouble cpuMicrosPerEvent() {
        return cpuNanos < 0 || succeeded == 0 ? OptionalDouble.empty() : OptionalDouble.of(cpuNanos / 1e3 / succeeded);
    }
}
