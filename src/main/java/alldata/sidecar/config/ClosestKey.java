package alldata.sidecar.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** The known key nearest to a misspelt one, by plain (Levenshtein) edit distance, if any is close enough. */
final class ClosestKey {
    private ClosestKey() {
    }

    /**
     * The most edits a suggestion may be away from {@code unknown}: two, or a quarter of its length for
     * long keys, so that typos and small slips are caught and unrelated keys are not offered.
     */
    static int maxDistance(String unknown) {
        return Math.max(2, unknown.length() / 4);
    }

    /** The known key fewest edits from {@code unknown} (the first of equals), if within {@link #maxDistance}. */
    static Optional<String> among(String unknown, Collection<String> known) {
        return known.stream()
                .min(Comparator.comparingInt(k -> distance(unknown, k)))
                .filter(k -> distance(unknown, k) <= maxDistance(unknown));
    }

    /** Insertions, deletions and substitutions needed to turn {@code a} into {@code b}. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
