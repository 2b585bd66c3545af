package alldata.sidecar.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aSecondsWorthGoesAtOnceThenTheRateHolds() {
        AtomicLong now = new AtomicLong(5 * SECOND);
        TokenBucket bucket = new TokenBucket(100, now::get);
        for (int i = 0; i < 100; i++) {
            assertThat(bucket.reserve(1)).as("token " + i).isZero();
        }
        assertThat(bucket.reserve(1)).isZero(); // the 101st is due now
        assertThat(bucket.reserve(1)).isEqualTo(SECOND / 100);
        assertThat(bucket.reserve(50)).isEqualTo(2 * SECOND / 100);
        // time passes: a caller that waited is not charged twice
        now.addAndGet(SECOND);
        assertThat(bucket.reserve(1)).isZero(); // the 520 ms reserved so far lie in the past now
    }

    @Test
    void idleTimeSavesAtMostOneSecondAndLargeReservationsGoIntoDebt() {
        AtomicLong now = new AtomicLong(0);
        TokenBucket bucket = new TokenBucket(1000, now::get);
        now.addAndGet(60 * SECOND); // a minute idle
        assertThat(bucket.reserve(5000)).isZero(); // more than a second's worth: taken, into debt
        assertThat(bucket.reserve(1)).isEqualTo(4 * SECOND); // 4 s of debt left after the saved second
        now.addAndGet(4 * SECOND);
        assertThat(bucket.reserve(1)).isEqualTo(SECOND / 1000);
        assertThatThrownBy(() -> new TokenBucket(0, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
