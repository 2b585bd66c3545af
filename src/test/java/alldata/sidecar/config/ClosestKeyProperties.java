package alldata.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class ClosestKeyProperties {
    private static final List<String> KNOWN = SidecarConfig.settings().stream().map(Setting::key).toList();

    @Property
    void aSuggestionIsNeverFartherThanAllowedNorFartherThanAnotherKey(@ForAll("keyLike") String unknown) {
        Optional<String> suggestion = ClosestKey.among(unknown, KNOWN);
        int nearest = KNOWN.stream().mapToInt(k -> ClosestKey.distance(unknown, k)).min().orElseThrow();
        assertThat(suggestion.isPresent()).isEqualTo(nearest <= ClosestKey.maxDistance(unknown));
        suggestion.ifPresent(s -> assertThat(ClosestKey.distance(unknown, s)).isEqualTo(nearest));
    }

    @Property
    void oneSlipInAKnownKeyIsAnsweredWithAKeyOneEditAway(@ForAll("knownKey") String key,
                                                          @ForAll @IntRange(min = 0, max = 100) int at,
                                                          @ForAll @CharRange(from = 'a', to = 'z') char c,
                                                          @ForAll @IntRange(min = 0, max = 2) int kind) {
        int i = at % (key.length() + 1);
        String slip = switch (kind) {
            case 0 -> key.substring(0, i) + c + key.substring(i);
            case 1 -> i == key.length() ? key.substring(0, i - 1) : key.substring(0, i) + key.substring(i + 1);
            default -> i == key.length() ? key + c : key.substring(0, i) + c + key.substring(i + 1);
        };
        assertThat(ClosestKey.among(slip, KNOWN)).hasValueSatisfying(s -> assertThat(ClosestKey.distance(slip, s)).isLessThanOrEqualTo(1));
    }

    @Property
    void aKeySharingNoCharacterWithAnyKnownKeyGetsNoSuggestion(
            @ForAll @StringLength(max = 40) @Chars({'Q', 'X', '7', '#', '~'}) String unrelated) {
        assertThat(ClosestKey.among(unrelated, KNOWN)).isEmpty();
    }

    @Property
    void distanceIsAMetric(@ForAll @StringLength(max = 12) @CharRange(from = 'a', to = 'e') String a,
                           @ForAll @StringLength(max = 12) @CharRange(from = 'a', to = 'e') String b,
                           @ForAll @StringLength(max = 12) @CharRange(from = 'a', to = 'e') String c) {
        assertThat(ClosestKey.distance(a, a)).isZero();
        assertThat(ClosestKey.distance(a, b)).isEqualTo(ClosestKey.distance(b, a));
        assertThat(ClosestKey.distance(a, c)).isLessThanOrEqualTo(ClosestKey.distance(a, b) + ClosestKey.distance(b, c));
        assertThat(ClosestKey.distance(a, b)).isBetween(Math.abs(a.length() - b.length()), Math.max(a.length(), b.length()));
    }

    @Example
    void knownDistances() {
        assertThat(ClosestKey.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(ClosestKey.distance("replicaton.factor", "replication.factor")).isEqualTo(1);
        assertThat(ClosestKey.distance("", "zone")).isEqualTo(4);
    }

    @Provide
    Arbitrary<String> knownKey() {
        return Arbitraries.of(KNOWN);
    }

    @Provide
    Arbitrary<String> keyLike() {
        return Arbitraries.oneOf(Arbitraries.strings().withChars("abcdefghijklmnoprstuvxyz._").ofMaxLength(35),
                Arbitraries.of(KNOWN).flatMap(k -> Arbitraries.strings().withChars("abcxyz._").ofMaxLength(4)
                        .map(extra -> k.substring(0, k.length() / 2) + extra + k.substring(k.length() / 2))));
    }
}
