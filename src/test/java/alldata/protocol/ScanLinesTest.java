package alldata.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScanLinesTest {
    private static final String KEY = "20260921T141320000-00003-0000000000000001234";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEventLineCarriesTheEventWithLineBreaksAsSpaces() throws IOException {
        byte[] event = utf8("{\"a\":\"x\\ny\",\n\r\"b\":\"caf\u00e9\"}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ScanLines.writeEvent(out, KEY, event);
        String line = out.toString(StandardCharsets.UTF_8);
        assertThat(line).isEqualTo("{\"key\":\"" + KEY + "\",\"event\":{\"a\":\"x\\ny\",  \"b\":\"caf\u00e9\"}}\n");
        assertThat(out.size()).isEqualTo(ScanLines.eventLineLength(KEY, event));
        assertThat(Wire.json().readTree(line).get("event").get("a").asText()).isEqualTo("x\ny");
        byte[] b = out.toByteArray();
        assertThat(ScanLines.parse(b, b.length - 1))
                .isEqualTo(new ScanLines.Event(KEY, ScanLines.oneLine(event)));
    }

    @Test
    void oneLineLeavesAnEventWithoutLineBreaksAlone() {
        byte[] event = utf8("{\"a\":1}");
        assertThat(ScanLines.oneLine(event)).isSameAs(event);
    }

    @Test
    void closingLinesRoundTrip() {
        byte[] next = ScanLines.endLine("abc_-", null);
        assertThat(new String(next, StandardCharsets.UTF_8)).isEqualTo("{\"next\":\"abc_-\"}\n");
        assertThat(ScanLines.parse(next, next.length - 1)).isEqualTo(new ScanLines.End("abc_-", null));
        byte[] error = ScanLines.endLine("abc", "node-2 failed: \"reset\"");
        assertThat(ScanLines.parse(error, error.length - 1)).isEqualTo(new ScanLines.End("abc", "node-2 failed: \"reset\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "{\"key\":\"k\"}", "{\"key\":\"k\" ,\"event\":{}}", "{\"next\":1}", "[1]", "not json"})
    void anythingElseIsMalformed(String line) {
        byte[] b = utf8(line);
        assertThatThrownBy(() -> ScanLines.parse(b, b.length)).isInstanceOf(MalformedRecordException.class);
    }

    @Test
    void keysThatCannotStandOnALineAreRefused() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> ScanLines.writeEvent(out, "a\"b", utf8("{}")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(out.size()).as("nothing written").isZero();
    }

    /** Hands out at most 3 bytes per read, so that lines span many reads. */
    private static InputStream trickle(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 3));
            }
        };
    }

    @Test
    void theReaderGivesOneLineAtATimeAcrossReads() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ScanLines.writeEvent(out, KEY, utf8("{\"n\":1}"));
        ScanLines.writeEvent(out, KEY.replace("1234", "1235"), utf8("{\"pad\":\"" + "x".repeat(100_000) + "\"}"));
        out.write(ScanLines.endLine("c", null));
        List<ScanLines.Line> lines = new ArrayList<>();
        try (ScanLines.Reader r = new ScanLines.Reader(trickle(out.toByteArray()), 1 << 20)) {
            for (ScanLines.Line l = r.next(); l != null; l = r.next()) {
                lines.add(l);
            }
        }
        assertThat(lines).hasSize(3);
        assertThat(((ScanLines.Event) lines.get(1)).event()).hasSize(100_010);
        assertThat(lines.get(2)).isEqualTo(new ScanLines.End("c", null));
    }

    @Test
    void aStreamEndingInsideALineOrALineTooLongIsAnError() throws IOException {
        try (ScanLines.Reader r = new ScanLines.Reader(new ByteArrayInputStream(utf8("{\"key\":\"k\",\"ev")), 100)) {
            assertThatThrownBy(r::next).isInstanceOf(IOException.class).hasMessageContaining("inside a line");
        }
        try (ScanLines.Reader r = new ScanLines.Reader(new ByteArrayInputStream(utf8("x".repeat(200) + "\n")), 100)) {
            assertThatThrownBy(r::next).isInstanceOf(IOException.class).hasMessageContaining("longer than 100");
        }
    }
}
