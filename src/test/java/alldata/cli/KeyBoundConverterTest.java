package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class KeyBoundConverterTest {
    private final KeyBoundConverter c = new KeyBoundConverter();

    @Test
    void timePrefixesAndKeysStayAsTheyAreAndInstantsBecomePrefixes() {
        assertThat(c.convert("20261125")).isEqualTo("20261125");
        assertThat(c.convert("20261125T04")).isEqualTo("20261125T04");
        assertThat(c.convert("20261125T041500123-00003-0000000000000001234")).isEqualTo("20261125T041500123-00003-0000000000000001234");
        assertThat(c.convert("2026-11-25T04:00:00Z")).isEqualTo("20261125T040000000");
    }

    @Test
    void anythingElseIsRefusedWithTheFormsThatWork() {
        assertThatThrownBy(() -> c.convert("2026-11-25")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("20261125T04").hasMessageContaining("2026-11-25T04:00:00Z");
        assertThatThrownBy(() -> c.convert("yesterday")).isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
