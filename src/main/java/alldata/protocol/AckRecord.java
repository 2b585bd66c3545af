package alldata.protocol;

/** A record of the ack topic; see {@link AckFormat}. */
public sealed interface AckRecord permits AckBatch, ClockMarker {
}
