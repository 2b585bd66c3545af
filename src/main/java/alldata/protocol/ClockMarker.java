package alldata.protocol;

/**
 * A coordinator task's clock marker in its own ack partition: a marker stamped T is read back only after
 * every ack appended before it, so "a replica's deadline passed" can be judged as "no ack arrived by then",
 * even when the task was stalled or just restored.
 *
 * @param wallClockMs the task's wall clock when it sent the marker (epoch ms)
 */
public record ClockMarker(long wallClockMs) implements AckRecord {
}
