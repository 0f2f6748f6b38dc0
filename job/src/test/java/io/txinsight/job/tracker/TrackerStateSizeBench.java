package io.txinsight.job.tracker;

import io.txinsight.events.EventType;
import io.txinsight.events.OpenAttributes;
import io.txinsight.events.Outcome;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import io.txinsight.simulator.model.OpenPayload;
import io.txinsight.simulator.model.TransactionType;
import io.txinsight.simulator.model.TransactionTypes;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.management.ObjectName;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * Heap bytes of tracker state per open transaction (issue 16, goal: at most 300), measured the way
 * it matters: the real operator on the heap state backend, a million transactions each with an
 * open and two steps (the second still running), and the live heap compared by class histogram
 * (which runs a full GC first) before and after. Everything the million transactions keep alive
 * is counted: the state map entries, the txn_id keys, the state objects, the timers and the
 * tracker's own bookkeeping.
 *
 * <p>The opens carry what the simulator's opens carry ({@link OpenPayload}: account, amount,
 * currency, merchant, category; the standard types in turn, 10,000 accounts), decoded as the job
 * decodes them, so the figure includes whatever of them the state keeps.
 *
 * <p>Each record is seen in both views by default, as in a running job: the producers' Kafka
 * transactions commit, and the committed view follows the monitor view by a moment. With {@code
 * monitor} as the third argument every record is seen by the monitor view only, as while a hanging
 * Kafka transaction pins the partitions: the tracker then also keeps where each transaction's
 * records lie, for the proof that Kafka rolled them back (docs/design.md §4).
 *
 * <p>Run through {@code bench/tracker-state-size.sh}; not a unit test.
 */
public final class TrackerStateSizeBench {
    private static final long T0 = 1_700_000_000_000L;
    private static final int TOP_CLASSES = 12;
    private static final int ACCOUNTS = 10_000;
    private static final OpenPayload PAYLOAD = new OpenPayload(ACCOUNTS);
    private static final TransactionType[] TYPES = TransactionTypes.standard().values().toArray(new TransactionType[0]);
    private static final SplittableRandom RNG = new SplittableRandom(17);

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("usage: TrackerStateSizeBench [transactions (default 1000000)] [txn_id length (default 36)]"
                    + " [both|monitor (default both)]");
            System.out.println("Puts that many open transactions (open + 2 steps each) into the TransactionTracker");
            System.out.println("on the heap state backend and prints the retained heap bytes per open transaction.");
            System.out.println("both: every record seen in both views (committed); monitor: in the monitor view only.");
            return;
        }
        int n = args.length > 0 ? parsePositive(args[0], "transactions") : 1_000_000;
        int idLength = args.length > 1 ? parsePositive(args[1], "txn_id length") : 36;
        String views = args.length > 2 ? args[2] : "both";
        if (!views.equals("both") && !views.equals("monitor")) {
            throw new IllegalArgumentException("views must be both or monitor, not " + views);
        }
        boolean committed = views.equals("both");
        int shortest = 2 + Integer.toString(n).length(); // "t-" and the digits of the largest index
        if (idLength < shortest) {
            throw new IllegalArgumentException("txn_id length " + idLength + " is too short for " + n
                    + " unique ids; use " + shortest + " or more");
        }

        KeyedTwoInputStreamOperatorTestHarness<String, ViewEvent, ViewEvent, Outcome> harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new MonitorClockedOperator(new TransactionTracker(TrackerSettings.DEFAULTS, TrackerMetrics.NONE)),
                        new TransactionTracker.ByTxnId(),
                        new TransactionTracker.ByTxnId(),
                        Types.STRING,
                        128, // Flink's default max parallelism: 128 key groups, as in a real job
                        1,
                        0);
        harness.setStateBackend(new HashMapStateBackend());
        harness.setup();
        harness.open();
        harness.processWatermark1(new Watermark(T0 - 1));

        // Warm up with transactions that finish, so classes and pools are loaded before measuring.
        for (int i = 0; i < 20_000; i++) {
            String id = id("w", i, idLength);
            feed(harness, EventType.TRANSACTION_OPEN, id, T0, null, View.MONITOR);
            feed(harness, EventType.TRANSACTION_CLOSE, id, T0 + 1, null, View.COMMITTED);
        }
        harness.processWatermark1(new Watermark(T0 + 10));
        harness.getOutput().clear();
        if (harness.numKeyedStateEntries() != 0) {
            throw new IllegalStateException("warm-up left state behind");
        }

        Map<String, long[]> before = histogram();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String id = id("t", i, idLength);
            long ts = T0 + 100 + i; // a million transactions opened over ~17 minutes of event time
            feed(harness, EventType.TRANSACTION_OPEN, id, ts, null, View.MONITOR);
            feed(harness, EventType.STEP_OPEN, id, ts + 10, "authorize", View.MONITOR);
            feed(harness, EventType.STEP_DONE, id, ts + 20, "authorize", View.MONITOR);
            feed(harness, EventType.STEP_OPEN, id, ts + 30, "capture", View.MONITOR);
            if (committed) {
                feed(harness, EventType.TRANSACTION_OPEN, id, ts, null, View.COMMITTED);
                feed(harness, EventType.STEP_OPEN, id, ts + 10, "authorize", View.COMMITTED);
                feed(harness, EventType.STEP_DONE, id, ts + 20, "authorize", View.COMMITTED);
                feed(harness, EventType.STEP_OPEN, id, ts + 30, "capture", View.COMMITTED);
            }
        }
        long fed = (committed ? 8L : 4L) * n;
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, long[]> after = histogram();

        if (harness.numKeyedStateEntries() != n) {
            throw new IllegalStateException("expected " + n + " open transactions, found " + harness.numKeyedStateEntries());
        }
        long timers = harness.numEventTimeTimers();

        List<Map.Entry<String, long[]>> deltas = new ArrayList<>();
        long totalBytes = 0;
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
            totalBytes += d[1];
            deltas.add(Map.entry(e.getKey(), d));
        }
        for (Map.Entry<String, long[]> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                totalBytes -= e.getValue()[1];
            }
        }
        deltas.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));

        System.out.printf("open transactions   %,d (open with the simulator's attributes + 2 steps each, txn_id %d chars), %,d timers%n", n, idLength, timers);
        System.out.printf("views               %s%n", committed
                ? "both (every record committed, as in a running job)"
                : "monitor only (nothing committed: as while a hanging Kafka transaction pins the partitions)");
        System.out.printf("fed                 %,d events in %.1f s (%,.0f events/s, harness, 1 thread)%n",
                fed, seconds, fed / seconds);
        System.out.printf("%nretained heap by class (live objects, after - before):%n");
        System.out.printf("  %-72s %12s %10s%n", "class", "bytes", "per txn");
        for (int i = 0; i < Math.min(TOP_CLASSES, deltas.size()); i++) {
            Map.Entry<String, long[]> e = deltas.get(i);
            System.out.printf("  %-72s %,12d %10.1f%n", e.getKey(), e.getValue()[1], (double) e.getValue()[1] / n);
        }
        double perTxn = (double) totalBytes / n;
        System.out.printf("%nheap bytes per open transaction: %.0f (goal: <= 300) %s%n", perTxn, perTxn <= 300 ? "OK" : "ABOVE GOAL");
        harness.close();
    }

    private static void feed(
            KeyedTwoInputStreamOperatorTestHarness<String, ViewEvent, ViewEvent, Outcome> harness,
            EventType type, String id, long ts, String step, View view) throws Exception {
        ViewEvent e = new ViewEvent();
        e.view = view;
        e.eventType = type;
        // Fresh strings per event, as a deserializer produces them.
        e.txnId = new String(id);
        e.ts = ts;
        e.step = step == null ? null : new String(step);
        if (type == EventType.TRANSACTION_OPEN) {
            // As the simulator makes them and the job decodes them (ViewEvent.of): fresh values.
            TransactionType t = TYPES[(int) (ts % TYPES.length)];
            e.txnType = new String(t.name());
            OpenAttributes a = OpenAttributes.of(PAYLOAD.forOpen(t, RNG.nextInt(ACCOUNTS), RNG));
            e.account = new String(a.account());
            e.amount = a.amount();
            e.currency = new String(a.currency());
            e.merchant = new String(a.merchant());
            e.category = new String(a.category());
        }
        e.topic = new String("payments");
        e.partition = 0;
        e.offset = ts;
        e.seenAtMs = ts;
        if (view == View.MONITOR) {
            harness.processElement1(e, ts);
        } else {
            harness.processElement2(e, ts);
        }
    }

    private static String id(String prefix, int i, int length) {
        StringBuilder sb = new StringBuilder(length).append(prefix).append('-');
        String digits = Integer.toString(i);
        while (sb.length() + digits.length() < length) {
            sb.append('0');
        }
        return sb.append(digits).toString();
    }

    /** Live objects per class: {instances, bytes}. Uses the JVM's own diagnostic command (full GC first). */
    private static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram",
                new Object[] {new String[0]},
                new String[] {String[].class.getName()});
        Map<String, long[]> byClass = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // "   1:   123   4567   java.lang.String (java.base@17)"
            if (f.length >= 4 && f[0].endsWith(":")) {
                byClass.merge(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            }
        }
        return byClass;
    }

    private static int parsePositive(String value, String what) {
        try {
            int v = Integer.parseInt(value.replace("_", ""));
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new IllegalArgumentException(what + " must be a positive integer, got '" + value + "'; see --help");
    }
}
