package alldata.sidecar.coordinator;

import alldata.core.AllDataKey;
import alldata.core.CommitLevel;
import alldata.protocol.AllDataHeaders;
import alldata.protocol.MalformedRecordException;
import alldata.protocol.Wire;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Temporary stand-in (today's checks) until the strict validator lands. */
final class IngestValidator {
    private final IngestLimits limits;
    private final CommitLevel defaultLevel;

    IngestValidator(IngestLimits limits, CommitLevel defaultLevel, int replicationFactor) {
        this.limits = limits;
        this.defaultLevel = defaultLevel;
    }

    IngestDecision check(byte[] recordKey, byte[] value, Headers headers, long timestampMs, int partition, long offset) {
        String correlationId = header(headers, AllDataHeaders.CORRELATION_ID);
        if (correlationId == null || correlationId.isBlank()) {
            correlationId = recordKey != null ? new String(recordKey, StandardCharsets.UTF_8) : partition + "-" + offset;
        }
        CommitLevel level = null;
        try {
            String h = header(headers, AllDataHeaders.COMMIT_LEVEL);
            level = h == null ? defaultLevel : CommitLevel.parse(h);
            if (value != null && value.length > limits.maxEventBytes()) {
                return new IngestDecision.Rejected("event is " + value.length + " bytes, over max.event.bytes "
                        + limits.maxEventBytes(), correlationId, level);
            }
            byte[] event = Wire.eventObject(value);
            return new IngestDecision.Accepted(AllDataKey.ingest(Math.max(0, timestampMs), partition, offset).value(),
                    event, level, correlationId);
        } catch (MalformedRecordException | IllegalArgumentException e) {
            return new IngestDecision.Rejected(e.getMessage(), correlationId, level);
        }
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
