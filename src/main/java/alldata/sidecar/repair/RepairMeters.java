package alldata.sidecar.repair;

import alldata.protocol.RepairStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * Repair's meters: {@code alldata_under_replicated_events} (events below their replication factor this node has
 * yet to repair, owed replicas included), the current pass's progress, and {@code alldata_repair_conflicts_total}, a counter of the conflicts
 * repair met (the pass gauge falls back to 0 with each new pass, so it rarely shows one; the counter keeps them).
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
                        + " part of a pass still to do, or what the last pass left, plus the events owed since)");
        gauge(registry, "alldata.placement.short.events", RepairStatus::placementShort,
                "Events this node holds whose holders span fewer zones or regions than the replication strategy asks"
                        + " for while a node in a missing one takes replicas, not yet spread by repair");
        gauge(registry, "alldata.repair.events.left", s -> Math.max(0, s.toRepair() - s.done()),
                "Events the running repair pass has yet to look at");
        gauge(registry, "alldata.repair.pass.copies", RepairStatus::copies,
                "Replicas the running repair pass copied to other nodes");
        gauge(registry, "alldata.repair.pass.conflicts", RepairStatus::conflicts,
                "Copies the running repair pass found conflicting (different bytes on the target)");
        FunctionCounter.builder("alldata.repair.conflicts", repair, RepairService::conflictsMet)
                .description("Conflicts repair met since start: a holder or copy target with different bytes under a"
                        + " key, never overwritten; one left in place is counted again by each later pass")
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, ToDoubleFunction<RepairStatus> value, String description) {
        Gauge.builder(name, repair, r -> value.applyAsDouble(r.status())).description(description).register(registry);
    }
}
