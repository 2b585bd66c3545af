package alldata.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PeerLocationTest {

    @Test
    void peerInTheSameRegionAndZoneIsSameZone() {
        assertThat(PeerLocation.relative("eu", "a", "eu", "a")).isEqualTo(PeerLocation.sameZone());
    }

    @Test
    void peerInTheSameRegionAndAnotherZoneIsOtherZone() {
        assertThat(PeerLocation.relative("eu", "a", "eu", "b")).isEqualTo(PeerLocation.zone("b"));
    }

    @Test
    void peerInAnotherRegionIsOtherRegionWhateverItsZone() {
        assertThat(PeerLocation.relative("eu", "a", "us", "a")).isEqualTo(PeerLocation.region("us"));
    }

    @Test
    void locationsWithTheSameNameAreEqual() {
        assertThat(PeerLocation.zone("z")).isEqualTo(PeerLocation.zone("z")).isNotEqualTo(PeerLocation.region("z"));
    }

    @Test
    void nullZoneNameIsRejected() {
        assertThatThrownBy(() -> PeerLocation.zone(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullRegionNameIsRejected() {
        assertThatThrownBy(() -> PeerLocation.region(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void blankPeerIdIsRejected() {
        assertThatThrownBy(() -> new Peer(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullPeerIdIsRejected() {
        assertThatThrownBy(() -> new Peer(null)).isInstanceOf(NullPointerException.class);
    }
}
