package alldata.cli;

import alldata.core.AllDataKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads a bound of a key range: a prefix of the keys' UTC time ({@code 20261125}, {@code 20261125T04},
 * {@code 20261125T0415}...), a whole key, or an ISO-8601 instant ({@code 2026-11-25T04:00:00Z}).
 */
final class KeyBoundConverter implements CommandLine.ITypeConverter<String> {
    private static final Pattern TIME_PREFIX = Pattern.compile("\\d{1,8}(T\\d{0,9}(-\\d{0,5}(-\\d{0,19})?)?)?");

    @Override
    public String convert(String value) {
        String v = value.strip();
        if (TIME_PREFIX.matcher(v).matches()) {
            return v;
        }
        try {
            return AllDataKey.timePrefix(Instant.parse(v));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is neither a key time prefix (e.g. 20261125 or"
                    + " 20261125T04) nor an ISO-8601 instant (e.g. 2026-11-25T04:00:00Z)");
        }
    }
}
