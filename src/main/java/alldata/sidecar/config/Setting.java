package alldata.sidecar.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One sidecar configuration key: its name, value type, default, allowed values and meaning, defined
 * together so that parsing, validation, error messages and the reference table all come from one place.
 *
 * <p>Settings are made with the {@code of…} factories and declared as constants of {@link SidecarConfig}.
 * A setting without a default is required.
 *
 * @param <T> the type of the parsed value
 */
public final class Setting<T> {
    private final String key;
    private final String type;
    private final String defaultText;
    private final String allowed;
    private final Function<String, T> parser;
    private final boolean expandsNodeId;
    private final boolean secret;
    private final String doc;

    private Setting(String key, String type, String defaultText, String allowed, Function<String, T> parser,
                    boolean expandsNodeId, String doc) {
        this(key, type, defaultText, allowed, parser, expandsNodeId, false, doc);
    }

    private Setting(String key, String type, String defaultText, String allowed, Function<String, T> parser,
                    boolean expandsNodeId, boolean secret, String doc) {
        this.key = Objects.requireNonNull(key, "key");
        this.type = type;
        this.defaultText = defaultText;
        this.allowed = allowed;
        this.parser = parser;
        this.expandsNodeId = expandsNodeId;
        this.secret = secret;
        this.doc = Objects.requireNonNull(doc, "doc");
        if (defaultText != null) {
            parse(defaultText); // a default outside its own range is a programming error: fail at class load
        }
    }

    /**
     * An inclusive range of whole numbers.
     *
     * @param min smallest allowed value
     * @param max largest allowed value ({@link Long#MAX_VALUE}: no upper bound beyond the type's own)
     */
    public record Range(long min, long max) {
        public Range {
            if (min > max) {
                throw new IllegalArgumentException("empty range " + min + ".." + max);
            }
        }

        /** Every value from {@code min} up. */
        public static Range atLeast(long min) {
            return new Range(min, Long.MAX_VALUE);
        }

        /** Every value from {@code min} to {@code max}, both included. */
        public static Range between(long min, long max) {
            return new Range(min, max);
        }

        boolean contains(long value) {
            return value >= min && value <= max;
        }

        Range within(long typeMin, long typeMax) {
            return new Range(Math.max(min, typeMin), Math.min(max, typeMax));
        }

        /** As shown to operators: {@code >= 1} when only the type bounds it above, else {@code 0..65535}. */
        String describe(long typeMax) {
            return max >= typeMax ? ">= " + min : min + ".." + max;
        }

        @Override
        public String toString() {
            return describe(Long.MAX_VALUE);
        }
    }

    /** A 32-bit integer in {@code range}. */
    public static Setting<Integer> ofInt(String key, int defaultValue, Range range, String doc) {
        Range r = range.within(Integer.MIN_VALUE, Integer.MAX_VALUE);
        return new Setting<>(key, "int", Integer.toString(defaultValue), r.describe(Integer.MAX_VALUE),
                s -> (int) whole(s, r), false, doc);
    }

    /** A 64-bit integer in {@code range}. */
    public static Setting<Long> ofLong(String key, long defaultValue, Range range, String doc) {
        return new Setting<>(key, "long", Long.toString(defaultValue), range.describe(Long.MAX_VALUE),
                s -> whole(s, range), false, doc);
    }

    /** A 16-bit integer in {@code range}, its upper bound always shown (Kafka's topic replication factor is a short). */
    public static Setting<Short> ofShort(String key, short defaultValue, Range range, String doc) {
        Range r = range.within(Short.MIN_VALUE, Short.MAX_VALUE);
        return new Setting<>(key, "short", Short.toString(defaultValue), r.describe(Long.MAX_VALUE),
                s -> (short) whole(s, r), false, doc);
    }

    /** Any text. */
    public static Setting<String> ofString(String key, String defaultValue, String doc) {
        return new Setting<>(key, "string", defaultValue, "any", s -> s, false, doc);
    }

    /** Text matching {@code pattern}, described to operators as {@code allowed}; {@code defaultValue} null: required. */
    public static Setting<String> ofPattern(String key, String defaultValue, String pattern, String allowed, String doc) {
        Pattern p = Pattern.compile(pattern);
        return new Setting<>(key, "string", defaultValue, allowed, s -> {
            if (!p.matcher(s).matches()) {
                throw new IllegalArgumentException();
            }
            return s;
        }, false, doc);
    }

    /** One of {@code choices}, exactly as written. */
    public static Setting<String> ofChoice(String key, String defaultValue, List<String> choices, String doc) {
        List<String> all = List.copyOf(choices);
        return new Setting<>(key, "choice", defaultValue, "one of " + String.join(", ", all), s -> {
            if (!all.contains(s)) {
                throw new IllegalArgumentException();
            }
            return s;
        }, false, doc);
    }

    /** A constant of {@code type}, in any case. */
    public static <E extends Enum<E>> Setting<E> ofEnum(String key, Class<E> type, E defaultValue, String doc) {
        String names = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
        return new Setting<>(key, "enum", defaultValue.name(), "one of " + names + " (any case)",
                s -> Enum.valueOf(type, s.toUpperCase(Locale.ROOT)), false, doc);
    }

    /** A file system path; {@code ${node.id}} in it stands for the node's id. */
    public static Setting<Path> ofPath(String key, String defaultValue, String doc) {
        return new Setting<>(key, "path", defaultValue, "a path; ${node.id} is the node id", Path::of, true, doc);
    }

    /** A 16-bit integer in {@code range} that may be left unset (empty). */
    public static Setting<Optional<Short>> ofOptionalShort(String key, Range range, String doc) {
        Range r = range.within(Short.MIN_VALUE, Short.MAX_VALUE);
        return new Setting<>(key, "short", "", r.describe(Long.MAX_VALUE) + ", or empty",
                s -> s.isEmpty() ? Optional.empty() : Optional.of((short) whole(s, r)), false, doc);
    }

    /** Text that may be left unset (empty). */
    public static Setting<Optional<String>> ofOptionalString(String key, String doc) {
        return new Setting<>(key, "string", "", "any; empty: none", s -> Optional.of(s).filter(v -> !v.isEmpty()),
                false, doc);
    }

    /** A file system path that may be left unset (empty). */
    public static Setting<Optional<Path>> ofOptionalPath(String key, String doc) {
        return new Setting<>(key, "path", "", "a path; empty: none",
                s -> s.isEmpty() ? Optional.empty() : Optional.of(Path.of(s)), false, doc);
    }

    /**
     * A password or token that may be left unset (empty): never shown, neither by a config's {@code toString} nor
     * in an error message.
     */
    public static Setting<Optional<String>> ofSecret(String key, String doc) {
        return new Setting<>(key, "secret", "", "any; empty: none", s -> Optional.of(s).filter(v -> !v.isEmpty()),
                false, true, doc);
    }

    private static long whole(String s, Range range) {
        long v = Long.parseLong(s);
        if (!range.contains(v)) {
            throw new IllegalArgumentException();
        }
        return v;
    }

    /**
     * Parses a value of this setting (already stripped of surrounding blanks).
     *
     * @throws IllegalArgumentException naming the key, the value and what is allowed
     */
    public T parse(String raw) {
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException e) { // NumberFormatException and InvalidPathException among them
            throw new IllegalArgumentException(key + " has an invalid value '" + (secret ? "****" : raw) + "' (type " + type
                    + ", allowed: " + allowed + ")");
        }
    }

    /** The key as written in the config file. */
    public String key() {
        return key;
    }

    /** The value type as shown to operators: int, long, short, string, choice, enum, path or secret. */
    public String type() {
        return type;
    }

    /** The default as written in a config file, or null when the key is required. */
    public String defaultText() {
        return defaultText;
    }

    /** Whether the key must be set (it has no default). */
    public boolean required() {
        return defaultText == null;
    }

    /** The allowed values, e.g. {@code >= 1}, {@code 0..65535}, {@code one of ONE, QUORUM, ALL}, {@code any}. */
    public String allowed() {
        return allowed;
    }

    /** What the key means. */
    public String doc() {
        return doc;
    }

    /** Whether the value is a password or token, never to be shown. */
    public boolean secret() {
        return secret;
    }

    /** Whether {@code ${node.id}} in the value stands for the node's id. */
    boolean expandsNodeId() {
        return expandsNodeId;
    }

    /** The environment variable that overrides this key: {@code ALLDATA_} and the key in upper case, {@code .} and {@code -} as {@code _}. */
    public String envName() {
        return envName(key);
    }

    static String envName(String key) {
        return "ALLDATA_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    @Override
    public String toString() {
        return key;
    }
}
