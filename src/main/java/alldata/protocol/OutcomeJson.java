package alldata.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The results topic's JSON ({@link PutOutcome}), written and read with Jackson's streaming API: one outcome
 * per put is encoded by the coordinator and decoded by every client, so this skips data binding's
 * reflection and intermediate objects. Field names and layout are exactly what {@link Wire} data binding
 * reads and writes (a test holds them equal); unknown fields are skipped.
 */
public final class OutcomeJson {
    private static final JsonFactory FACTORY = Wire.json().getFactory();

    private OutcomeJson() {
    }

    public static byte[] encode(PutOutcome o) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + o.correlationId().length()
                + (o.error() == null ? 0 : o.error().length()));
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            if (o.key() != null) {
                g.writeStringField("key", o.key());
            }
            g.writeStringField("correlationId", o.correlationId());
            g.writeStringField("status", o.status().name());
            if (o.commitLevel() != null) {
                g.writeStringField("commitLevel", o.commitLevel());
            }
            g.writeNumberField("required", o.required());
            strings(g, "acked", o.acked());
            strings(g, "replicas", o.replicas());
            g.writeNumberField("owed", o.owed());
            if (o.storedOn() != null) {
                strings(g, "storedOn", o.storedOn());
            }
            if (o.error() != null) {
                g.writeStringField("error", o.error());
            }
            if (o.ingest() != null) {
                g.writeObjectFieldStart("ingest");
                g.writeNumberField("partition", o.ingest().partition());
                g.writeNumberField("offset", o.ingest().offset());
                g.writeEndObject();
            }
            if (o.placement() != null) {
                PutOutcome.PlacementReport pr = o.placement();
                g.writeObjectFieldStart("placement");
                strings(g, "ackedZones", pr.ackedZones());
                strings(g, "ackedRegions", pr.ackedRegions());
                strings(g, "planZones", pr.planZones());
                strings(g, "planRegions", pr.planRegions());
                g.writeNumberField("minZones", pr.minZones());
                g.writeNumberField("minRegions", pr.minRegions());
                g.writeBooleanField("strategyMet", pr.strategyMet());
                if (pr.fallback() != null) {
                    g.writeStringField("fallback", pr.fallback());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the outcome of " + o.correlationId(), e);
        }
        return out.toByteArray();
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /**
     * Decodes an outcome.
     *
     * @throws MalformedRecordException when it is not one
     */
    public static PutOutcome decode(byte[] bytes) {
        if (bytes == null) {
            throw new MalformedRecordException("outcome is null");
        }
        String key = null;
        String correlationId = null;
        PutOutcome.Status status = null;
        String commitLevel = null;
        int required = 0;
        List<String> acked = null;
        List<String> replicas = null;
        int owed = 0;
        List<String> storedOn = null;
        String error = null;
        PutOutcome.IngestPosition ingest = null;
        PutOutcome.PlacementReport placement = null;
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedRecordException("outcome is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "key" -> key = text(p, t);
                    case "correlationId" -> correlationId = text(p, t);
                    case "status" -> status = t == JsonToken.VALUE_NULL ? null : PutOutcome.Status.valueOf(p.getText());
                    case "commitLevel" -> commitLevel = text(p, t);
                    case "required" -> required = p.getValueAsInt();
                    case "acked" -> acked = strings(p, t);
                    case "replicas" -> replicas = strings(p, t);
                    case "owed" -> owed = p.getValueAsInt();
                    case "storedOn" -> storedOn = strings(p, t);
                    case "error" -> error = text(p, t);
                    case "ingest" -> ingest = ingest(p, t);
                    case "placement" -> placement = placement(p, t);
                    default -> p.skipChildren();
                }
            }
            return new PutOutcome(key, correlationId, status, commitLevel, required, acked, replicas, owed, storedOn,
                    error, ingest, placement);
        } catch (IOException | RuntimeException e) {
            if (e instanceof MalformedRecordException m) {
                throw m;
            }
            throw new MalformedRecordException("not a valid PutOutcome: " + e.getMessage(), e);
        }
    }

    private static String text(JsonParser p, JsonToken t) throws IOException {
        return t == JsonToken.VALUE_NULL ? null : p.getValueAsString();
    }

    private static List<String> strings(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new MalformedRecordException("expected an array of strings, found " + t);
        }
        List<String> out = new ArrayList<>(4);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            out.add(p.getValueAsString());
        }
        return out;
    }

    private static PutOutcome.PlacementReport placement(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new MalformedRecordException("placement is not an object");
        }
        List<String> ackedZones = null;
        List<String> ackedRegions = null;
        List<String> planZones = null;
        List<String> planRegions = null;
        int minZones = 0;
        int minRegions = 0;
        boolean strategyMet = false;
        String fallback = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "ackedZones" -> ackedZones = strings(p, v);
                case "ackedRegions" -> ackedRegions = strings(p, v);
                case "planZones" -> planZones = strings(p, v);
                case "planRegions" -> planRegions = strings(p, v);
                case "minZones" -> minZones = p.getValueAsInt();
                case "minRegions" -> minRegions = p.getValueAsInt();
                case "strategyMet" -> strategyMet = p.getValueAsBoolean();
                case "fallback" -> fallback = text(p, v);
                default -> p.skipChildren();
            }
        }
        return new PutOutcome.PlacementReport(ackedZones, ackedRegions, planZones, planRegions, minZones, minRegions,
                strategyMet, fallback);
    }

    private static PutOutcome.IngestPosition ingest(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new MalformedRecordException("ingest is not an object");
        }
        int partition = 0;
        long offset = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "partition" -> partition = p.getValueAsInt();
                case "offset" -> offset = p.getValueAsLong();
                default -> p.skipChildren();
            }
        }
        return new PutOutcome.IngestPosition(partition, offset);
    }
}
