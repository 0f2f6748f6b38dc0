package io.txinsight.replayer;

import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioFormatException;
import io.txinsight.events.ScenarioReader;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.TxnFate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a first pass over a scenario file learned: that every line is valid, and what the replay of
 * the chosen range will need (producers, topics, the longest transaction, when it ends).
 *
 * <p>The pass keeps one small entry per producer and topic, never per record, so it runs in
 * constant memory for any file length.
 *
 * @param file the scenario file
 * @param totalRecords records in the whole file
 * @param from the first position replayed (0-based, inclusive)
 * @param to the position after the last one replayed (exclusive; at most {@code totalRecords})
 * @param baseMs the scenario time the replay schedule starts from: 0 for a full replay, else the
 *     first replayed record's {@code at_ms} (so a replay from the middle does not wait for the part
 *     it skips)
 * @param endMs when the replayed range ends: its last record or its last commit/abort, whichever is
 *     later; a hanging transaction still open then is aborted then
 * @param producers the transactional producers the range uses
 * @param topics the topics the range writes to, as named in the file
 * @param plainRecords records in the range written without a Kafka transaction
 * @param transactions Kafka transactions in the range, by fate
 * @param longestTransactionMs an upper bound of how long (scenario time) any transaction stays open
 * @param scenarioStartEpochMs the wall-clock time the scenario started (first event's {@code ts}
 *     minus its {@code at_ms}), or {@code Long.MIN_VALUE} when the file holds no business event
 * @param sliceable every line is exactly what {@link ScenarioCodec} writes for its record, so
 *     publishing may cut values out of the lines instead of decoding and re-encoding them ({@link
 *     RecordSlicer})
 */
public record ScenarioPlan(
        Path file,
        long totalRecords,
        long from,
        long to,
        long baseMs,
        long endMs,
        Set<String> producers,
        Set<String> topics,
        long plainRecords,
        Map<TxnFate, Long> transactions,
        long longestTransactionMs,
        long scenarioStartEpochMs,
        boolean sliceable) {

    public static final long NO_EVENTS = Long.MIN_VALUE;

    /** The same plan over at most the first {@code records} records of the range. */
    ScenarioPlan limitedTo(long records) {
        return new ScenarioPlan(file, totalRecords, from, Math.min(to, from + records), baseMs, endMs, producers, topics,
                plainRecords, transactions, longestTransactionMs, scenarioStartEpochMs, sliceable);
    }

    /** Records in the replayed range. */
    public long rangeRecords() {
        return to - from;
    }

    public long transactionCount() {
        return transactions.values().stream().mapToLong(Long::longValue).sum();
    }

    public long transactions(TxnFate fate) {
        return transactions.getOrDefault(fate, 0L);
    }

    /** Scenario time the replayed range spans. */
    public long durationMs() {
        return Math.max(0, endMs - baseMs);
    }

    /**
     * Reads and checks the whole file, and sizes the range {@code [from, to)}.
     *
     * <p>Beyond what the record codec checks line by line, this checks what only the sequence
     * shows: a producer's transactions are numbered in order, each has one fate and one end, and a
     * producer never starts a transaction while its previous one is still open.
     *
     * @throws ScenarioFormatException naming file, line and field of the first problem
     * @throws IllegalArgumentException when the range lies outside the file
     */
    public static ScenarioPlan survey(Path file, ScenarioCodec codec, long from, long to)
            throws IOException, ScenarioFormatException {
        if (from < 0) {
            throw new IllegalArgumentException("--from must be 0 or more, was " + from);
        }
        if (to <= from) {
            throw new IllegalArgumentException("--to (" + to + ") must be greater than --from (" + from + ")");
        }
        Survey s = new Survey(from, to);
        boolean sliceable = true;
        try (ScenarioReader reader = new ScenarioReader(file, codec)) {
            ScenarioRecord r;
            while ((r = reader.next()) != null) {
                s.add(r, reader);
                // Is the line exactly what ScenarioCodec writes for this record? Then the event's
                // text in it is the encoded value, byte for byte.
                sliceable = sliceable && codec.toLine(r).equals(reader.line());
            }
        }
        if (from >= s.position) {
            throw new IllegalArgumentException(
                    "--from " + from + " is past the end of " + file + ", which holds " + s.position
                            + " records (positions 0 to " + (s.position - 1) + ")");
        }
        return s.plan(file, sliceable);
    }

    /** The state of the first pass. */
    private static final class Survey {
        private final long from;
        private final long to;
        private long position;
        private long baseMs = -1;
        private long lastAtMs;
        private long endMs;
        private long plain;
        private long scenarioStart = NO_EVENTS;
        private long longestMs;
        private long longestHangMs;
        private long earliestHangStart = Long.MAX_VALUE;
        private final Map<String, OpenTxn> open = new HashMap<>();
        private final Set<String> producers = new LinkedHashSet<>();
        private final Set<String> topics = new LinkedHashSet<>();
        private final Map<TxnFate, Long> counts = new java.util.EnumMap<>(TxnFate.class);

        Survey(long from, long to) {
            this.from = from;
            this.to = to;
        }

        void add(ScenarioRecord r, ScenarioReader reader) throws ScenarioFormatException {
            long pos = position++;
            if (scenarioStart == NO_EVENTS && r.event() != null) {
                scenarioStart = r.event().ts() - r.atMs();
            }
            boolean inRange = pos >= from && pos < to;
            KafkaTxn txn = r.txn();
            boolean startsTxn = txn != null && checkTransaction(r, reader);
            if (!inRange) {
                return;
            }
            if (baseMs < 0) {
                baseMs = from == 0 ? 0 : r.atMs();
            }
            lastAtMs = r.atMs();
            topics.add(r.topic());
            if (txn == null) {
                plain++;
                return;
            }
            producers.add(txn.producer());
            OpenTxn o = open.get(txn.producer());
            if (startsTxn || !o.countedInRange) {
                // The first record of this transaction inside the range (a range may start mid-transaction).
                o.countedInRange = true;
                counts.merge(txn.fate(), 1L, Long::sum);
                if (txn.fate() == TxnFate.HANG) {
                    longestHangMs = Math.max(longestHangMs, txn.endMs() - r.atMs());
                    earliestHangStart = Math.min(earliestHangStart, r.atMs());
                } else {
                    endMs = Math.max(endMs, txn.endMs());
                    longestMs = Math.max(longestMs, txn.endMs() - r.atMs());
                }
            }
        }

        /** Checks a record against its producer's open transaction; true when it starts a new one. */
        private boolean checkTransaction(ScenarioRecord r, ScenarioReader reader) throws ScenarioFormatException {
            KafkaTxn txn = r.txn();
            OpenTxn o = open.get(txn.producer());
            String where = "producer '" + txn.producer() + "' transaction seq ";
            if (o != null && txn.seq() == o.seq) {
                if (txn.fate() != o.fate) {
                    throw error(reader, "txn.fate", "is '" + txn.fate().wireName() + "', but earlier records of "
                            + where + o.seq + " say '" + o.fate.wireName() + "'; a transaction has one fate");
                }
                if (txn.endMs() != o.endMs) {
                    throw error(reader, "txn.end_ms", "is " + txn.endMs() + ", but earlier records of "
                            + where + o.seq + " say " + o.endMs + "; a transaction has one end");
                }
                return false;
            }
            if (o != null && txn.seq() < o.seq) {
                throw error(reader, "txn.seq", "is " + txn.seq() + ", but producer '" + txn.producer()
                        + "' already moved on to seq " + o.seq + "; a producer's transactions come in seq order");
            }
            if (o != null && r.atMs() < o.endMs) {
                throw error(reader, "txn.seq", "starts " + where + txn.seq() + " at " + r.atMs()
                        + " ms while its seq " + o.seq + " is open until " + o.endMs
                        + " ms; a producer has at most one open Kafka transaction at a time");
            }
            OpenTxn next = new OpenTxn(txn.seq(), txn.fate(), txn.endMs());
            open.put(txn.producer(), next);
            return true;
        }

        private static ScenarioFormatException error(ScenarioReader reader, String field, String problem) {
            return new ScenarioFormatException(reader.source(), reader.lineNumber(), field, problem);
        }

        ScenarioPlan plan(Path file, boolean sliceable) {
            long end = Math.max(endMs, lastAtMs);
            // A hang is held until its recorded end or the end of the replay, whichever comes first.
            long hang = earliestHangStart == Long.MAX_VALUE ? 0 : Math.min(longestHangMs, end - earliestHangStart);
            return new ScenarioPlan(
                    file, position, from, Math.min(to, position), Math.max(baseMs, 0), end,
                    Collections.unmodifiableSet(producers), Collections.unmodifiableSet(topics), plain,
                    Collections.unmodifiableMap(counts), Math.max(longestMs, hang), scenarioStart, sliceable);
        }
    }

    private static final class OpenTxn {
        final long seq;
        final TxnFate fate;
        final long endMs;
        boolean countedInRange;

        OpenTxn(long seq, TxnFate fate, long endMs) {
            this.seq = seq;
            this.fate = fate;
            this.endMs = endMs;
        }
    }
}
