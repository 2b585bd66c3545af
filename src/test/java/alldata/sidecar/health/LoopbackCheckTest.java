package alldata.sidecar.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoopbackCheckTest {
    @Test
    void aLoopbackAdvertisedAddressBesideKafkaOnOtherHostsIsWarnedAboutNamingTheSettingToSet() {
        assertThat(LoopbackCheck.warning("127.0.0.1", "127.0.0.1:8080", "kafka-1:9093,kafka-2:9093"))
                .hasValueSatisfying(w -> assertThat(w).contains("127.0.0.1:8080", "loopback", "kafka-1:9093",
                        "http.advertised.address", "http.bind"));
        assertThat(LoopbackCheck.warning("0.0.0.0", "localhost:8080", "localhost:9092,10.0.0.7:9092")).isPresent();
        assertThat(LoopbackCheck.warning("::1", "::1:8080", "SASL_SSL://kafka.internal:9093")).isPresent();
    }

    @Test
    void everythingOnThisMachineIsADevSetupAndNotWarnedAbout() {
        assertThat(LoopbackCheck.warning("127.0.0.1", "127.0.0.1:8081", "localhost:9092")).isEmpty();
        assertThat(LoopbackCheck.warning("127.0.0.1", "127.0.0.1:8081", "127.0.0.1:9092, [::1]:9093")).isEmpty();
    }

    @Test
    void aReachableAdvertisedAddressIsNotWarnedAbout() {
        assertThat(LoopbackCheck.warning("0.0.0.0", "storage-1.internal:8080", "kafka-1:9093")).isEmpty();
        assertThat(LoopbackCheck.warning("10.0.0.5", "10.0.0.5:8080", "kafka-1:9093")).isEmpty();
    }

    @Test
    void listeningOnLoopbackOnlyWhileAnnouncingAnotherAddressIsWarnedAboutNamingHttpBind() {
        assertThat(LoopbackCheck.warning("127.0.0.1", "storage-1.internal:8080", "kafka-1:9093"))
                .hasValueSatisfying(w -> assertThat(w).contains("http.bind", "storage-1.internal:8080"));
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1,true", "127.1.2.3,true", "localhost,true", "LOCALHOST,true", "app.localhost,true",
            "::1,true", "0:0:0:0:0:0:0:1,true", "10.0.0.1,false", "0.0.0.0,false", "::,false",
            "kafka-1,false", "localhost.example,false", "fe80::1,false", "999.1.1.1,false"})
    void loopbackIsLocalhostOrALiteralLoopbackAddressNeverALookedUpName(String host, boolean loopback) {
        assertThat(LoopbackCheck.isLoopback(host)).isEqualTo(loopback);
    }

    @ParameterizedTest
    @CsvSource({"kafka-1:9093,kafka-1", "[::1]:9092,::1", "::1:8080,::1", "PLAINTEXT://kafka:29092,kafka",
            "' node-1:8081 ',node-1", "host,host"})
    void theHostOfAnAddress(String address, String host) {
        assertThat(LoopbackCheck.host(address)).isEqualTo(host);
    }
}
