package alldata.dev;

/**
 * How a load offers its events: a closed loop (the next event goes as soon as one of {@code window} in-flight
 * slots is free) or an open loop (event i is due at {@code start + i / rate}, whatever happened to the ones
 * before; {@code window} then only caps the events in flight, as a safety valve).
 *
 * <p>In both, an event's latency counts from its <em>intended</em> send time: in a closed loop that is when
 * its slot came free, in an open loop its due time, so that waiting in our own sender (for a slot, or behind
 * a late send) is measured instead of hidden (coordinated omission).
 */
public sealed interface LoadShape permits LoadShape.Closed, LoadShape.Open {

    /** Events in flight at the most. */
    int window();

    /** At most {@code window} events in flight, the next one sent as soon as one completes. */
    static LoadShape closed(int window) {
        return new Closed(window);
    }

    /** {@code ratePerS} events per second on a fixed schedule, at most {@code window} in flight. */
    static LoadShape open(double ratePerS, int window) {
        return new Open(ratePerS, window);
    }

    /** A closed loop of {@code window} events in flight. */
    record Closed(int window) implements LoadShape {
        public Closed {
            requireWindow(window);
        }
    }

    /** An open loop: {@code ratePerS} events offered per second, at most {@code window} in flight. */
    record Open(double ratePerS, int window) implements LoadShape {
        public Open {
            if (!(ratePerS > 0) || Double.isInfinite(ratePerS)) {
                throw new IllegalArgumentException("rate must be a positive number of events per second, not " + ratePerS);
            }
            requireWindow(window);
        }

        /** When event {@code i} is due, in nanoseconds after the start of the run. */
        public long offsetNanos(int i) {
            return Math.round(i * 1e9 / ratePerS);
        }
    }

    private static void requireWindow(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, not " + window);
        }
    }
}
