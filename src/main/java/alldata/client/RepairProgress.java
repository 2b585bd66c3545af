package alldata.client;

import alldata.protocol.RepairStatus;
import java.util.Locale;

/** How a node's repair status reads on a terminal (with a progress bar) and in a log or pipe (plain words). */
public final class RepairProgress {
    private static final int BAR = 24;

    private RepairProgress() {
    }

    /** {@code [#########---------------]  37%}. */
    public static String bar(long done, long total) {
        int filled = total <= 0 ? BAR : (int) Math.min(BAR, done * BAR / total);
        long percent = total <= 0 ? 100 : Math.min(100, done * 100 / total);
        return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + String.format(Locale.ROOT, "%3d%%", percent);
    }

    /** One line about one node: with a bar for a terminal, else plain words. */
    public static String line(RepairStatus s, boolean terminal) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-12s %-14s ", s.node(), s.state()));
        boolean running = s.reason() != null;
        if (running) {
            if (terminal) {
                sb.append(bar(s.done(), s.toRepair())).append(' ');
            }
            sb.append(s.done()).append('/').append(s.toRepair()).append(" events");
            if (!terminal) {
                sb.append(" (").append(s.toRepair() == 0 ? 100 : s.done() * 100 / s.toRepair()).append("%)");
            }
            sb.append(", ").append(s.copies()).append(" copied, ").append(s.underReplicated()).append(" under-replicated");
            if (s.placementShort() > 0) {
                sb.append(", ").append(s.placementShort()).append(" placement short");
            }
            sb.append(String.format(Locale.ROOT, ", %.1f/s", s.ratePerSecond()));
            sb.append(", ETA ").append(s.etaSeconds() < 0 ? "?" : s.etaSeconds() + " s");
            if (s.interval() != null) {
                sb.append(", interval ").append(s.interval());
            }
            sb.append(" (").append(s.reason()).append(')');
        } else {
            sb.append(s.underReplicated()).append(" under-replicated");
            if (s.placementShort() > 0) {
                sb.append(", ").append(s.placementShort()).append(" placement short");
            }
            if (s.lastPass() != null) {
                sb.append("; last pass: ").append(s.lastPass());
            }
        }
        if (s.detail() != null) {
            sb.append(" - ").append(s.detail());
        }
        return sb.toString();
    }
}
