package alldata.sidecar.coordinator;

import alldata.protocol.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a coordinator task's command records (put batches, plan updates, FAILED markers) to a node's command
 * topic, outside the task's transaction: through the sidecar's own idempotent producer, not the one Kafka
 * Streams commits. Commands are write-once and replayable and replica writers read them {@code read_uncommitted},
 * so a transaction never hid them; keeping them out of it spares every commit a marker per command partition.
 * One producer for all of a node's commands keeps them in the order they were sent (a put before its plan
 * update or FAILED marker).
 */
@FunctionalInterface
public interface CommandSender {
    /** Sends one encoded command record to {@code node}'s command topic; does not wait for the broker. */
    void send(String node, byte[] value);

    /**
     * Commands through {@code producer} (idempotent, {@code acks=all}). A record the producer gives up on is
     * logged, not retried: the replica's deadline re-places or resends it, as for any replica that does not answer.
     */
    static CommandSender through(Producer<byte[], byte[]> producer, Topics topics) {
        Logger log = LoggerFactory.getLogger(CommandSender.class);
        return (node, value) -> producer.send(new ProducerRecord<>(topics.commands(node), value), (md, e) -> {
            if (e != null) {
                log.warn("command record for {} not written ({}); its replicas' deadlines will resend or re-place them",
                        node, e.toString());
            }
        });
    }
}
