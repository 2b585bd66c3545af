package alldata.sidecar.coordinator;

/** Sends a coordinator task's clock markers into its own ack partition (outside its transaction). */
@FunctionalInterface
public interface ClockMarkers {
    void send(int ackPartition, long wallClockMs);
}
