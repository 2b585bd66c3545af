package alldata.client;

import alldata.core.KeyTime;
import alldata.protocol.ScanLines;
import alldata.protocol.ScanRequest;
import alldata.protocol.UnreachableException;
import alldata.protocol.Wire;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * Exports a closed time range for a batch layer: every event of {@code from <= key < to} exactly once, in key
 * order, read through one node's cluster scan (following its cursors), as one gzip-compressed JSON Lines file per
 * hour of key time, {@code DIR/yyyyMMdd/HH.jsonl.gz}, each with a manifest {@code DIR/yyyyMMdd/HH.manifest.json}.
 *
 * <p>Lines are the scan's: {@code {"key":"…","event":…}}, the event with its line breaks as spaces. Re-running an
 * export of the same range writes the same bytes: keys and events are immutable, the gzip header holds no time and
 * no file name, and the manifest holds nothing that changes between runs. Each file is written beside its final
 * name and moved into place once complete, so a reader never sees half a file.
 */
public final class RangeExport {
    /** The only format so far. */
    public static final String FORMAT = "jsonl.gz";
    /** How long after its end a range counts as closed, unless told otherwise. */
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);
    private static final int MAX_ATTEMPTS = 5;

    private final HttpReader reader;
    private final Supplier<Instant> clock;

    /**
     * @param reader the node whose cluster scan is read
     * @param clock  the current time, for the closed-range rule
     */
    public RangeExport(HttpReader reader, Supplier<Instant> clock) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What to export.
     *
     * @param from      first instant included
     * @param to        first instant excluded
     * @param out       the directory the day directories go into
     * @param grace     the range must end at least this long ago (events may still arrive for a range that ends
     *                  later), unless {@code allowOpen}
     * @param allowOpen export a range that is not closed yet (a later run may find more events in it)
     * @param pageSize  events per scan page
     */
    public record Request(Instant from, Instant to, Path out, Duration grace, boolean allowOpen, int pageSize) {
        public Request {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(grace, "grace");
            if (pageSize < 1) {
                throw new IllegalArgumentException("page size must be positive, got " + pageSize);
            }
        }
    }

    /**
     * One written file, as its manifest describes it.
     *
     * @param file              the data file
     * @param count             events in it
     * @param firstKey          its first key
     * @param lastKey           its last key
     * @param sha256            hex SHA-256 of the file's bytes as written (compressed): {@code sha256sum} checks it
     * @param bytes             the file's size
     * @param uncompressedBytes the JSON Lines' size
     * @param from              the start of the time it covers (the hour, or the range's start within it)
     * @param to                the end of the time it covers, excluded
     */
    public record Manifest(Path file, long count, String firstKey, String lastKey, String sha256, long bytes,
                           long uncompressedBytes, Instant from, Instant to) {
        /** The manifest file beside the data file. */
        public Path path() {
            String name = file.getFileName().toString();
            return file.resolveSibling(name.substring(0, name.length() - ("." + FORMAT).length()) + ".manifest.json");
        }

        /** The manifest's JSON, one line, fields in a fixed order. */
        public byte[] json() {
            ObjectNode n = Wire.json().createObjectNode();
            n.put("file", file.getFileName().toString());
            n.put("format", FORMAT);
            n.put("count", count);
            n.put("firstKey", firstKey);
            n.put("lastKey", lastKey);
            n.put("sha256", sha256);
            n.put("bytes", bytes);
            n.put("uncompressedBytes", uncompressedBytes);
            n.put("from", from.toString());
            n.put("to", to.toString());
            return (n.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * What an export wrote.
     *
     * @param files             one manifest per file, in key order
     * @param events            events written
     * @param pagesMissingNodes scan pages the node answered without reading every member (see {@code unavailable})
     * @param unavailable       the members the last such page could not read, each with why, or null when every
     *                          page read every member: events held only by them are missing from the export
     */
    public record Summary(List<Manifest> files, long events, long pagesMissingNodes, String unavailable) {
        /** True when every page read every member, so no event can be missing for want of its holder. */
        public boolean complete() {
            return pagesMissingNodes == 0;
        }
    }

    /**
     * Runs the export.
     *
     * @throws IllegalArgumentException when the range is reversed, or not closed and {@code allowOpen} is false
     * @throws IOException              when the node cannot be read after retries, or a file cannot be written
     * @throws UnreachableException     when the node cannot be connected to at all
     */
    public Summary run(Request req, ExportProgress progress) throws IOException {
        if (req.from().isAfter(req.to())) {
            throw new IllegalArgumentException("--from " + req.from() + " is after --to " + req.to()
                    + ": the range is from <= time < to");
        }
        Instant closedBefore = clock.get().minus(req.grace());
        if (!req.allowOpen() && req.to().isAfter(closedBefore)) {
            throw new IllegalArgumentException("the range ends at " + req.to() + ", less than " + describe(req.grace())
                    + " ago (now " + clock.get().truncatedTo(ChronoUnit.SECONDS) + "): events may still arrive in it;"
                    + " choose an earlier --to, a shorter --grace, or --allow-open (a later export may then find more)");
        }
        Writer writer = new Writer(req, progress);
        ScanRequest scan = new ScanRequest(KeyTime.keyBound(req.from()), KeyTime.keyBound(req.to()), req.pageSize(),
                false, null, false);
        int failures = 0;
        boolean reached = false;
        long pagesMissingNodes = 0;
        String unavailable = null;
        try {
            while (true) {
                HttpReader.Page page;
                try {
                    page = reader.page(scan, writer::accept);
                    failures = 0;
                    reached = true;
                } catch (IOException | UnreachableException e) {
                    if (e instanceof UnreachableException u && !reached) {
                        throw u; // never reached: a wrong address, not a blip worth five retries
                    }
                    if (++failures == MAX_ATTEMPTS) {
                        throw new IOException("export stopped after " + MAX_ATTEMPTS + " failed reads of " + reader.base()
                                + " (" + Plural.count(writer.events, "event") + " written; run it again to redo the range): "
                                + e.getMessage(), e);
                    }
                    progress.retrying(e.getMessage(), failures);
                    pause(failures);
                    continue; // the same cursor again; events written already are skipped by key
                }
                if (page.error() != null) {
                    progress.retrying(page.error(), 0);
                }
                if (page.unavailable() != null) {
                    pagesMissingNodes++;
                    unavailable = page.unavailable();
                }
                if (page.next() == null) {
                    break;
                }
                scan = scan.withCursor(page.next());
            }
            writer.finishFile();
        } finally {
            writer.abandon();
        }
        Summary s = new Summary(List.copyOf(writer.written), writer.events, pagesMissingNodes, unavailable);
        progress.done(s);
        return s;
    }

    private static void pause(int failures) throws IOException {
        try {
            Thread.sleep(1000L << Math.min(failures - 1, 4)); // back off before reading the same page again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String describe(Duration d) {
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    /** Writes the events into hourly files as they arrive. */
    private static final class Writer {
        private final Request req;
        private final ExportProgress progress;
        private final List<Manifest> written = new ArrayList<>();
        private long events;
        private String lastKey;
        private HourFile current;

        Writer(Request req, ExportProgress progress) {
            this.req = req;
            this.progress = progress;
        }

        void accept(ScanLines.Event e) throws IOException {
            if (lastKey != null && e.key().compareTo(lastKey) <= 0) {
                return; // a page read again after a failure: these are written already
            }
            String hour = e.key().substring(0, 11); // yyyyMMddTHH
            if (current != null && !current.hour.equals(hour)) {
                finishFile();
            }
            if (current == null) {
                current = new HourFile(req, hour);
            }
            current.write(e);
            lastKey = e.key();
            events++;
            progress.advanced(e.key(), events, fraction(e.key()));
        }

        private double fraction(String key) {
            Instant t = KeyTime.parse(key.substring(0, 18));
            long span = Duration.between(req.from(), req.to()).toMillis();
            return span <= 0 ? 1 : Math.min(1, Math.max(0, Duration.between(req.from(), t).toMillis() / (double) span));
        }

        void finishFile() throws IOException {
            if (current != null) {
                Manifest m = current.finish();
                current = null;
                written.add(m);
                progress.fileWritten(m);
            }
        }

        /** Removes a file left half written by a failure. */
        void abandon() {
            if (current != null) {
                current.abandon();
                current = null;
            }
        }
    }

    /** One hour's file while it is written: beside its final name, digested and counted as it goes. */
    private static final class HourFile {
        private final String hour;
        private final Path file;
        private final Path temp;
        private final FileChannel channel;
        private final MessageDigest digest;
        private final Counting compressed;
        private final Counting uncompressed;
        private final GZIPOutputStream gzip;
        private final Instant from;
        private final Instant to;
        private long count;
        private String firstKey;
        private String lastKey;

        HourFile(Request req, String hour) throws IOException {
            this.hour = hour;
            Path day = req.out().resolve(hour.substring(0, 8));
            Files.createDirectories(day);
            this.file = day.resolve(hour.substring(9, 11) + "." + FORMAT);
            this.temp = day.resolve(file.getFileName() + ".tmp");
            Instant start = KeyTime.parse(hour);
            this.from = start.isBefore(req.from()) ? req.from() : start;
            Instant end = start.plus(Duration.ofHours(1));
            this.to = end.isAfter(req.to()) ? req.to() : end;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
            this.channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            this.compressed = new Counting(new DigestOutputStream(Channels.newOutputStream(channel), digest));
            // the JDK writes a gzip header with no time and no file name: the same events give the same bytes
            this.gzip = new GZIPOutputStream(compressed, 64 * 1024);
            this.uncompressed = new Counting(gzip);
        }

        void write(ScanLines.Event e) throws IOException {
            ScanLines.writeEvent(uncompressed, e.key(), e.event());
            if (firstKey == null) {
                firstKey = e.key();
            }
            lastKey = e.key();
            count++;
        }

        Manifest finish() throws IOException {
            gzip.finish();
            compressed.flush();
            channel.force(true);
            gzip.close();
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Manifest m = new Manifest(file, count, firstKey, lastKey, HexFormat.of().formatHex(digest.digest()),
                    compressed.count, uncompressed.count, from, to);
            Path manifestTemp = m.path().resolveSibling(m.path().getFileName() + ".tmp");
            Files.write(manifestTemp, m.json());
            Files.move(manifestTemp, m.path(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return m;
        }

        void abandon() {
            try {
                gzip.close();
            } catch (IOException e) {
                // being removed anyway
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // a stray .tmp file is harmless: the next run truncates it
            }
        }
    }

    /** Counts the bytes passing through. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
