package alldata.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Plan updates one repairing node has for one holder at once (a command-topic record; no answer is sent:
 * a lost update only leaves an older plan, which the next repair pass finds and updates again).
 *
 * @param origin  the repairing node
 * @param updates the new plans
 */
public record MetaUpdateBatch(String origin, List<MetaUpdate> updates) implements CommandRecord {
    public MetaUpdateBatch {
        Objects.requireNonNull(origin, "origin");
        updates = List.copyOf(updates);
    }
}
