package alldata.sidecar.repair;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The events that became <em>owed</em> here since the last pass started: stored or re-planned under a plan naming
 * fewer nodes than their replication factor (a degraded write, or a put whose replica failed with no spare), which
 * this node is the one to complete. A pass counts only what the store held when it started, so without this list
 * such events stayed invisible (status and gauge said 0) and waited for the hourly pass.
 *
 * <p>The store reports the keys on its writing threads ({@link #note}); the repair thread takes them in
 * ({@link #intake}), keeping those it is responsible for, and asks {@link #due} whether to try them: {@link Round#FRESH}
 * a few seconds after new ones arrived (the node that timed out may still be UP), {@link Round#ALL} when a node came
 * UP (it can take them) or when copies failed a while ago, {@link Round#FULL_PASS} when more were noted than are
 * tracked by key. Keys that stay owed after a try (no node can take them yet) wait for the next of those.
 * Only the repair thread touches anything but the inbox.
 */
final class OwedEvents {
    /** What to try now. */
    enum Round { NONE, FRESH, ALL, FULL_PASS }

    /** Keys tracked at most; beyond, they are only counted and a full pass finds them. */
    static final int MAX_TRACKED = 50_000;
    /** How long new keys wait before they are tried: the puts' own plan updates settle, and keys come in groups. */
    static final long SETTLE_MS = 5_000;

    private final ConcurrentLinkedQueue<String> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    /** Notes dropped because too many were tracked (a full pass finds them). */
    private final AtomicLong untracked = new AtomicLong();
    private volatile int tracked;
    private volatile long count;

    // the repair thread's
    /** Not tried yet. */
    private final Set<String> fresh = new LinkedHashSet<>();
    /** Tried, and still owed: wait for a node to come UP, or for the retry. */
    private final Set<String> waiting = new LinkedHashSet<>();
    private long freshSinceMs;
    private long retryAtMs;
    private Set<String> lastUp;
    private boolean upGrew;
    private int inRound;

    /** Keys stored or re-planned with a short plan, from any thread. */
    void note(List<String> keys) {
        if (inboxSize.get() + tracked + keys.size() > MAX_TRACKED) {
            untracked.addAndGet(keys.size());
            return;
        }
        inbox.addAll(keys);
        inboxSize.addAndGet(keys.size());
    }

    /** Takes in what was noted, keeping the keys {@code owedAndMine} accepts (read when taken in, not when noted). */
    void intake(Predicate<String> owedAndMine, long nowMs) {
        String key;
        while ((key = inbox.poll()) != null) {
            inboxSize.decrementAndGet();
            if (!waiting.contains(key) && owedAndMine.test(key) && fresh.add(key) && fresh.size() == 1) {
                freshSinceMs = nowMs;
            }
        }
        update();
    }

    /** The nodes UP now: one that was not UP at the last call makes owed events worth trying again. */
    void observeUp(Set<String> up) {
        if (lastUp != null && !lastUp.containsAll(up)) {
            upGrew = true;
        }
        lastUp = Set.copyOf(up);
    }

    /** What to try now, if anything. */
    Round due(long nowMs) {
        if (untracked.get() > 0 && upGrew) {
            return Round.FULL_PASS;
        }
        if (fresh.isEmpty() && waiting.isEmpty()) {
            upGrew = false;
            return Round.NONE;
        }
        if (upGrew || (retryAtMs > 0 && nowMs >= retryAtMs)) {
            return Round.ALL;
        }
        return !fresh.isEmpty() && nowMs >= freshSinceMs + SETTLE_MS ? Round.FRESH : Round.NONE;
    }

    /** Starts a round: the keys to try (those of {@code round}), which leave the list until {@link #keep} puts them back. */
    List<String> take(Round round) {
        List<String> keys = new ArrayList<>(fresh);
        fresh.clear();
        if (round == Round.ALL) {
            keys.addAll(waiting);
            waiting.clear();
            upGrew = false;
            retryAtMs = 0;
        }
        inRound = keys.size();
        update();
        return keys;
    }

    /** One key of the round is done with: {@code stillOwed} puts it back to wait. */
    void tried(String key, boolean stillOwed) {
        inRound = Math.max(0, inRound - 1);
        if (stillOwed) {
            waiting.add(key);
        }
        update();
    }

    /** Copies failed in this round: try everything again after {@code atMs}. */
    void retryAt(long atMs) {
        retryAtMs = retryAtMs == 0 ? atMs : Math.min(retryAtMs, atMs);
    }

    /**
     * A full pass starts: it looks at every event held now, so the list starts over, and what was noted so far is
     * dropped (the pass counts it, as unresolved if it stays owed).
     */
    void passStarted() {
        while (inbox.poll() != null) {
            inboxSize.decrementAndGet();
        }
        fresh.clear();
        waiting.clear();
        untracked.set(0);
        upGrew = false;
        retryAtMs = 0;
        inRound = 0;
        update();
    }

    /** A pass ended: forget the keys {@code stillOwed} rejects (the pass completed them). */
    void passFinished(Predicate<String> stillOwed) {
        fresh.removeIf(k -> !stillOwed.test(k));
        waiting.removeIf(k -> !stillOwed.test(k));
        update();
    }

    /** Owed events this node is to complete, as far as it knows (from any thread). */
    long count() {
        return count;
    }

    /** Keys waiting for a node that can take them (not in a round, not fresh). */
    int waiting() {
        return waiting.size();
    }

    private void update() {
        tracked = fresh.size() + waiting.size() + inRound;
        count = tracked + untracked.get();
    }
}
