package alldata.client;

import alldata.core.Clock;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * What an export tells as it goes: {@link #bar} redraws one line on a terminal, {@link #lines} prints a line per
 * file (for logs and pipes), {@link #none} nothing.
 */
public interface ExportProgress {
    /** After each event: the last key written, the events so far, and how far through the range's time it is (0..1). */
    void advanced(String lastKey, long events, double fraction);

    /** After each file and its manifest are in place. */
    void fileWritten(RangeExport.Manifest manifest);

    /** A read failed (or a page ended early) and is tried again; {@code attempt} 0 when nothing failed here. */
    void retrying(String why, int attempt);

    /** The export is complete. */
    void done(RangeExport.Summary summary);

    /** What a reader of an export that could not read every member ({@code !s.complete()}) must know. */
    static String incompleteWarning(RangeExport.Summary s) {
        return "warning: " + s.pagesMissingNodes() + " scan page(s) were read without some members (" + s.unavailable()
                + "): events held only by them are missing; export the range again once they are back (an export of the"
                + " same range writes the same files)";
    }

    /** Says nothing. */
    static ExportProgress none() {
        return new ExportProgress() {
            @Override
            public void advanced(String lastKey, long events, double fraction) {
            }

            @Override
            public void fileWritten(RangeExport.Manifest manifest) {
            }

            @Override
            public void retrying(String why, int attempt) {
            }

            @Override
            public void done(RangeExport.Summary summary) {
            }
        };
    }

    /** One line per file written, per retry and at the end. */
    static ExportProgress lines(PrintWriter out) {
        return new ExportProgress() {
            @Override
            public void advanced(String lastKey, long events, double fraction) {
            }

            @Override
            public void fileWritten(RangeExport.Manifest m) {
                out.printf(Locale.ROOT, "wrote %s: %s, %s, sha256 %s%n", m.file(), Plural.count(m.count(), "event"),
                        Plural.count(m.bytes(), "byte"), m.sha256());
                out.flush();
            }

            @Override
            public void retrying(String why, int attempt) {
                out.println((attempt > 0 ? "read failed (attempt " + attempt + "), retrying: " : "page ended early, continuing: ")
                        + why);
                out.flush();
            }

            @Override
            public void done(RangeExport.Summary s) {
                out.printf(Locale.ROOT, "exported %s in %s%n", Plural.count(s.events(), "event"), Plural.count(s.files().size(), "file"));
                if (!s.complete()) {
                    out.println(incompleteWarning(s));
                }
                out.flush();
            }
        };
    }

    /** A progress bar redrawn in place (carriage return) at most every 100 ms, and the summary below it. */
    static ExportProgress bar(PrintWriter out) {
        return new ExportProgress() {
            private static final int WIDTH = 30;
            private long lastDraw;

            @Override
            public void advanced(String lastKey, long events, double fraction) {
                long now = Clock.SYSTEM.nanoTime();
                if (now - lastDraw < 100_000_000L) {
                    return;
                }
                lastDraw = now;
                int filled = (int) Math.round(fraction * WIDTH);
                out.printf(Locale.ROOT, "\r[%s%s] %3d%%  %s  at %s/%s", "#".repeat(filled), "-".repeat(WIDTH - filled),
                        Math.round(fraction * 100), Plural.grouped(events, "event"), lastKey.substring(0, 8),
                        lastKey.substring(9, 11));
                out.flush();
            }

            @Override
            public void fileWritten(RangeExport.Manifest manifest) {
            }

            @Override
            public void retrying(String why, int attempt) {
                out.println();
                out.println((attempt > 0 ? "read failed (attempt " + attempt + "), retrying: " : "page ended early, continuing: ")
                        + why);
                out.flush();
            }

            @Override
            public void done(RangeExport.Summary s) {
                out.printf(Locale.ROOT, "\r[%s] 100%%  %s in %s%n", "#".repeat(WIDTH), Plural.grouped(s.events(), "event"),
                        Plural.count(s.files().size(), "file"));
                if (!s.complete()) {
                    out.println(incompleteWarning(s));
                }
                out.flush();
            }
        };
    }
}
