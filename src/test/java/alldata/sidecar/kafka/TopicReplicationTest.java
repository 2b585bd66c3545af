package alldata.sidecar.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the sidecar replicates the topics it creates: a pure decision from the setting and the brokers seen. */
class TopicReplicationTest {

    @ParameterizedTest(name = "unset, {0} brokers: RF {1}, min ISR {2}")
    @CsvSource({"0,1,1", "1,1,1", "2,2,2", "3,3,2", "5,3,2"})
    void unsetTheReplicationFactorIsMinOfThreeAndTheBrokersAndMinIsrMinOfTwoAndIt(int brokers, short rf, short minIsr) {
        TopicReplication r = TopicReplication.decide(Optional.empty(), brokers);

        assertThat(r.replicationFactor()).isEqualTo(rf);
        assertThat(r.minInsyncReplicas()).isEqualTo(minIsr);
        assertThat(r.configured()).isFalse();
        assertThat(r.warning()).isEmpty();
    }

    @ParameterizedTest(name = "set to {0}, {1} brokers: RF {0}, min ISR {2}")
    @CsvSource({"1,1,1", "2,5,2", "3,3,2", "4,3,2", "5,7,2"})
    void anExplicitReplicationFactorWinsOverTheBrokerCount(short configured, int brokers, short minIsr) {
        TopicReplication r = TopicReplication.decide(Optional.of(configured), brokers);

        assertThat(r.replicationFactor()).isEqualTo(configured);
        assertThat(r.minInsyncReplicas()).isEqualTo(minIsr);
        assertThat(r.configured()).isTrue();
    }

    @ParameterizedTest(name = "{0} brokers")
    @CsvSource({"2", "3", "9"})
    void oneReplicaOnAMultiBrokerClusterIsWarnedAboutNamingTheSetting(int brokers) {
        assertThat(TopicReplication.decide(Optional.of((short) 1), brokers).warning()).hasValueSatisfying(w ->
                assertThat(w).contains("topic.replication.factor is 1 on a Kafka cluster of " + brokers + " brokers")
                        .contains("topic.replication.factor=3"));
    }

    @ParameterizedTest(name = "set to {0}")
    @CsvSource({"1", "2"})
    void aSingleBrokerIsNoReasonToWarn(short configured) {
        assertThat(TopicReplication.decide(Optional.of(configured), 1).warning()).isEmpty();
    }
}
