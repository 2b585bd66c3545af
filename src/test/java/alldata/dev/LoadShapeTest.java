package alldata.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The open-loop schedule: event i is due at i / rate seconds after the start, whatever came before. */
class LoadShapeTest {

    @Property
    void eventIIsDueAtIOverTheRate(@ForAll @DoubleRange(min = 0.01, max = 10_000_000) double rate,
                                   @ForAll @IntRange(min = 0, max = 50_000_000) int i) {
        LoadShape.Open open = new LoadShape.Open(rate, 1);
        assertThat(open.offsetNanos(0)).isZero();
        // to the nanosecond: no drift accumulates over a long run, as it would adding a rounded interval per event
        assertThat((double) open.offsetNanos(i)).isCloseTo(i * 1e9 / rate, org.assertj.core.api.Assertions.within(1.0));
    }

    @Property
    void theScheduleNeverGoesBackwards(@ForAll @DoubleRange(min = 0.01, max = 10_000_000) double rate,
                                       @ForAll @IntRange(min = 0, max = 50_000_000) int i) {
        LoadShape.Open open = new LoadShape.Open(rate, 1);
        assertThat(open.offsetNanos(i + 1)).isGreaterThanOrEqualTo(open.offsetNanos(i));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
    void aRateThatIsNoPositiveNumberIsRefused(double rate) {
        assertThatThrownBy(() -> LoadShape.open(rate, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rate must be a positive number");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -3})
    void aWindowBelowOneIsRefusedInEitherShape(int window) {
        assertThatThrownBy(() -> LoadShape.closed(window)).hasMessageContaining("window must be at least 1");
        assertThatThrownBy(() -> LoadShape.open(100, window)).hasMessageContaining("window must be at least 1");
    }
}
