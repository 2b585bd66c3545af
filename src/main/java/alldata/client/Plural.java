package alldata.client;

import java.util.Locale;

/** Counts as people write them: "1 file", "2 files", "0 events". */
public final class Plural {
    private Plural() {
    }

    /** {@code n} and {@code noun}, with an "s" unless {@code n} is 1. */
    public static String count(long n, String noun) {
        return n + " " + noun(n, noun);
    }

    /** As {@link #count}, with thousands separators ("1,000 events"). */
    public static String grouped(long n, String noun) {
        return String.format(Locale.ROOT, "%,d %s", n, noun(n, noun));
    }

    /** {@code noun}, with an "s" unless {@code n} is 1. */
    public static String noun(long n, String noun) {
        return n == 1 ? noun : noun + "s";
    }
}
