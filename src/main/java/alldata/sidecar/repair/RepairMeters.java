package alldata.sidecar.repair;

import alldata.protocol.RepairStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * Repair's meters: {@code alldata_under_replicated_events} (events below their replication factor this node has
 * yet to repair), and the current pass's progress.
 */
public final class RepairMeters implements MeterBinder {
    private final RepairService repair;

    public RepairMeters(RepairService repair) {
        this.repair = repair;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "alldata.under.replicated.events", RepairStatus::underReplicated,
                "Events below their replication factor that this node repairs and has not yet (an estimate for the"
                        + " part of a pass still to do)");
        gauge(registry, "alldata.repair.events.left", s -> Math.max(0, s.toRepair() - s.done()),
                "Events the running repair pass has yet to look at");
        gauge(registry, "alldata.repair.pass.copies", RepairStatus::copies,
                "Replicas the running repair pass copied to other nodes");
        gauge(registry, "alldata.repair.pass.conflicts", RepairStatus::conflicts,
                "Copies the running repair pass found conflicting (different bytes on the target)");
    }

    private void gauge(MeterRegistry registry, String name, ToDoubleFunction<RepairStatus> value, String description) {
        Gauge.builder(name, repair, r -> value.applyAsDouble(r.status())).description(description).register(registry);
    }
}
