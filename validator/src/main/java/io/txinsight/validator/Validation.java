package io.txinsight.validator;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.txinsight.events.Alert;
import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.events.Outcome;
import io.txinsight.events.Truth;
import io.txinsight.events.VelocityAlert;
import io.txinsight.events.Verdict;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The job's outcomes compared with a scenario's truth, transaction by transaction. Pure: no Kafka,
 * no files, so the demo prints the same {@link #table()} at the end of a finite run.
 *
 * <p>A transaction matches when its observed verdict (see {@link ObservedTransactions}) equals
 * the truth's. A transaction the job said nothing about is {@value #MISSING} and counts as a
 * mismatch. Outlier flags, stuck alerts and durations are scored but do not decide {@link
 * #passed()}: they are quality figures, verdicts are correctness. So is naming the Kafka
 * transactions a scenario holds open ({@link HeldOpenKafkaTransactions}): an operator must learn
 * which producer holds the committed view back, so a held-open transaction the job never names
 * fails the validation.
 *
 * @param passed every transaction of the truth has the expected verdict, and every Kafka transaction
 *     the scenario held open was named by the job
 * @param transactions how many transactions the truth lists
 * @param matched how many have the expected verdict
 * @param mismatched how many do not (missing ones included)
 * @param missing how many have no outcome and no stuck alert
 * @param unexpected transaction ids in the outcomes or alerts that the truth does not list
 * @param conflicting transactions with outcome records that disagree (e.g. a rerun on the same topic)
 * @param byVerdict expected verdict → observed verdict (or {@value #MISSING}) → count
 * @param byType transaction type → counts
 * @param scores precision and recall of stuck, aborted, outliers and stuck alerts, and of velocity
 *     bursts when the truth lists them (precision: velocity alerts that find a burst of the truth;
 *     recall: bursts found by an alert, see {@link VelocityMatch})
 * @param durationError how far observed durations are from the true ones
 * @param mismatches the first mismatches, in the truth's order
 * @param kafkaHangs the Kafka transactions the scenario held open and how the job named each; null
 *     when validated without the scenario's events file
 * @param otherKafkaTransactions long-open or hanging Kafka transactions the job named that the
 *     scenario did not hold open (e.g. a slow replay), one description each; null with {@code kafkaHangs}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Validation(
        @JsonProperty("passed") boolean passed,
        @JsonProperty("transactions") long transactions,
        @JsonProperty("matched") long matched,
        @JsonProperty("mismatched") long mismatched,
        @JsonProperty("missing") long missing,
        @JsonProperty("unexpected") long unexpected,
        @JsonProperty("conflicting") long conflicting,
        @JsonProperty("by_verdict") Map<String, Map<String, Long>> byVerdict,
        @JsonProperty("by_type") Map<String, TypeCounts> byType,
        @JsonProperty("scores") List<Score> scores,
        @JsonProperty("duration_error") DurationError durationError,
        @JsonProperty("mismatches") List<Mismatch> mismatches,
        @JsonProperty("kafka_hangs") List<KafkaHang> kafkaHangs,
        @JsonProperty("other_kafka_transactions") List<String> otherKafkaTransactions) {

    /** The observed column of a transaction the job said nothing about. */
    public static final String MISSING = "missing";

    /** How many mismatches are listed by default. */
    public static final int DEFAULT_LISTED_MISMATCHES = 20;

    @JsonCreator
    public Validation {}

    /**
     * @param transactions how many of this type
     * @param matched how many have the expected verdict
     * @param expected count per expected verdict
     * @param observed count per observed verdict (or {@value #MISSING})
     */
    public record TypeCounts(
            @JsonProperty("transactions") long transactions,
            @JsonProperty("matched") long matched,
            @JsonProperty("expected") Map<String, Long> expected,
            @JsonProperty("observed") Map<String, Long> observed) {
        @JsonCreator
        public TypeCounts {}
    }

    /**
     * How well the job finds one kind of transaction.
     *
     * @param signal stuck, aborted, outlier, stuck_alert or velocity
     * @param expected how many the truth has
     * @param observed how many the job reported
     * @param truePositives how many of those reported are right
     * @param precision true positives / observed, or null when nothing was reported
     * @param recall true positives / expected, or null when nothing was expected
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Score(
            @JsonProperty("signal") String signal,
            @JsonProperty("expected") long expected,
            @JsonProperty("observed") long observed,
            @JsonProperty("true_positives") long truePositives,
            @JsonProperty("precision") Double precision,
            @JsonProperty("recall") Double recall) {
        @JsonCreator
        public Score {}

        static Score of(String signal, long expected, long observed, long truePositives) {
            return new Score(
                    signal, expected, observed, truePositives,
                    observed == 0 ? null : (double) truePositives / observed,
                    expected == 0 ? null : (double) truePositives / expected);
        }
    }

    /**
     * Observed minus true duration, over transactions that have both.
     *
     * @param compared how many durations were compared
     * @param exact how many were exactly right
     * @param meanAbsMs mean absolute error in milliseconds
     * @param maxAbsMs largest absolute error in milliseconds
     * @param maxTxnId the transaction with the largest error, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DurationError(
            @JsonProperty("compared") long compared,
            @JsonProperty("exact") long exact,
            @JsonProperty("mean_abs_ms") double meanAbsMs,
            @JsonProperty("max_abs_ms") long maxAbsMs,
            @JsonProperty("max_txn_id") String maxTxnId) {
        @JsonCreator
        public DurationError {}
    }

    /**
     * @param txnId the business transaction
     * @param txnType its type in the truth
     * @param expected the truth's verdict
     * @param observed the observed verdict, or {@value #MISSING}
     * @param detail what the job actually wrote, for the reader who investigates
     */
    public record Mismatch(
            @JsonProperty("txn_id") String txnId,
            @JsonProperty("txn_type") String txnType,
            @JsonProperty("expected") String expected,
            @JsonProperty("observed") String observed,
            @JsonProperty("detail") String detail) {
        @JsonCreator
        public Mismatch {}
    }

    /**
     * A Kafka transaction the scenario held open, and how the job named it: by a {@code
     * kafka_transaction_long_open} or {@code kafka_transaction_hanging} record on the alerts topic,
     * and by the {@code blocked_by} of the outcomes and stuck alerts it held back.
     *
     * @param producer the scenario producer that held it open
     * @param heldOpenMs how long the scenario held it open, first record to abort
     * @param records how many records it carried
     * @param named whether the job named it at all (a record or a {@code blocked_by})
     * @param transactionalId the transactional id the job named, or null
     * @param alert the kind of the job's record naming it, or null without one
     * @param detectedAgeMs how long it had been open when the job's record was written, or null
     * @param partitions the partitions the job's record names, as {@code topic-partition}
     * @param blockedOutcomes outcomes whose {@code blocked_by} names it
     * @param blockedAlerts stuck alerts whose {@code blocked_by} names it
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KafkaHang(
            @JsonProperty("producer") String producer,
            @JsonProperty("held_open_ms") long heldOpenMs,
            @JsonProperty("records") long records,
            @JsonProperty("named") boolean named,
            @JsonProperty("transactional_id") String transactionalId,
            @JsonProperty("alert") String alert,
            @JsonProperty("detected_age_ms") Long detectedAgeMs,
            @JsonProperty("partitions") List<String> partitions,
            @JsonProperty("blocked_outcomes") long blockedOutcomes,
            @JsonProperty("blocked_alerts") long blockedAlerts) {
        @JsonCreator
        public KafkaHang {}
    }

    public static Validation compare(Truth truth, Collection<Outcome> outcomes, Collection<Alert> alerts) {
        return compare(truth, ObservedTransactions.of(outcomes, alerts), DEFAULT_LISTED_MISMATCHES);
    }

    public static Validation compare(
            Truth truth, Collection<Outcome> outcomes, Collection<Alert> alerts, Collection<VelocityAlert> velocity) {
        return compare(truth, ObservedTransactions.of(outcomes, alerts, velocity), DEFAULT_LISTED_MISMATCHES);
    }

    public static Validation compare(Truth truth, ObservedTransactions observed, int listedMismatches) {
        return compare(truth, observed, null, listedMismatches);
    }

    /**
     * @param held the Kafka transactions the scenario held open ({@link HeldOpenKafkaTransactions#read}),
     *     or null when the scenario's events file is not at hand (nothing is said about them then)
     */
    public static Validation compare(
            Truth truth, ObservedTransactions observed, List<HeldOpenKafkaTransactions.Held> held, int listedMismatches) {
        List<Truth.Transaction> expectedTxns = truth.transactions() == null ? List.of() : truth.transactions();

        Map<String, Map<String, Long>> byVerdict = new LinkedHashMap<>();
        for (Verdict v : Verdict.values()) {
            byVerdict.put(v.wireName(), emptyObservedRow());
        }
        Map<String, long[]> typeTotals = new LinkedHashMap<>();
        Map<String, Map<String, Long>> typeExpected = new LinkedHashMap<>();
        Map<String, Map<String, Long>> typeObserved = new LinkedHashMap<>();
        List<Mismatch> listed = new ArrayList<>();
        long matched = 0;
        long missing = 0;
        long[] stuck = new long[3]; // expected, observed, true positives
        long[] aborted = new long[3];
        long[] outlier = new long[3];
        long[] stuckAlert = new long[3];
        long compared = 0;
        long exact = 0;
        long sumAbs = 0;
        long maxAbs = -1;
        String maxAbsTxn = null;

        for (Truth.Transaction txn : expectedTxns) {
            Verdict expected = txn.verdict();
            Verdict seen = observed.verdict(txn.txnId());
            String seenName = seen == null ? MISSING : seen.wireName();
            String type = txn.txnType() == null ? "(none)" : txn.txnType();
            Outcome outcome = observed.outcome(txn.txnId());

            byVerdict.get(expected.wireName()).merge(seenName, 1L, Long::sum);
            long[] totals = typeTotals.computeIfAbsent(type, t -> new long[2]);
            totals[0]++;
            typeExpected.computeIfAbsent(type, t -> emptyVerdictRow()).merge(expected.wireName(), 1L, Long::sum);
            typeObserved.computeIfAbsent(type, t -> emptyObservedRow()).merge(seenName, 1L, Long::sum);

            if (seen == expected) {
                matched++;
                totals[1]++;
            } else {
                if (seen == null) {
                    missing++;
                }
                if (listed.size() < listedMismatches) {
                    listed.add(new Mismatch(
                            txn.txnId(), txn.txnType(), expected.wireName(), seenName,
                            describe(outcome, observed.stuckAlert(txn.txnId()))));
                }
            }

            count(stuck, expected == Verdict.STUCK, seen == Verdict.STUCK);
            count(aborted, expected == Verdict.ABORTED, seen == Verdict.ABORTED);
            // Only a transaction that closes has a duration, so only those can be outliers.
            if (expected == Verdict.CLOSED_SUCCESS || expected == Verdict.CLOSED_FAILED) {
                count(outlier, txn.outlier(), outcome != null && outcome.outlier());
            }
            count(stuckAlert, txn.stuckAlert(), observed.stuckAlert(txn.txnId()));

            if (txn.durationMs() != null && outcome != null && outcome.durationMs() != null
                    && outcome.state() == Outcome.State.CLOSED) {
                long abs = Math.abs(outcome.durationMs() - txn.durationMs());
                compared++;
                sumAbs += abs;
                if (abs == 0) {
                    exact++;
                }
                if (abs > maxAbs) {
                    maxAbs = abs;
                    maxAbsTxn = txn.txnId();
                }
            }
        }

        Map<String, TypeCounts> byType = new LinkedHashMap<>();
        typeTotals.forEach((type, totals) -> byType.put(
                type, new TypeCounts(totals[0], totals[1], typeExpected.get(type), typeObserved.get(type))));

        Set<String> known = new HashSet<>(expectedTxns.size() * 2);
        expectedTxns.forEach(t -> known.add(t.txnId()));
        long unexpected = observed.txnIds().stream().filter(id -> !known.contains(id)).count();

        List<Score> scores = new ArrayList<>(List.of(
                Score.of("stuck", stuck[0], stuck[1], stuck[2]),
                Score.of("aborted", aborted[0], aborted[1], aborted[2]),
                Score.of("outlier", outlier[0], outlier[1], outlier[2]),
                Score.of("stuck_alert", stuckAlert[0], stuckAlert[1], stuckAlert[2])));
        if (truth.velocity() != null) { // a truth written before bursts were part of it has no say
            scores.add(VelocityMatch.score(truth.velocity(), observed.velocityAlerts()));
        }
        List<KafkaHang> hangs = null;
        List<String> others = null;
        if (held != null) {
            List<KafkaTransactionHanging> named = distinctKafkaTransactions(observed.kafkaTransactions());
            hangs = new ArrayList<>();
            others = new ArrayList<>();
            long namedOnlyByBlockedBy = matchHangs(held, named, observed, hangs, others);
            if (!held.isEmpty() || !named.isEmpty()) {
                scores.add(Score.of(KAFKA_HANG, held.size(), named.size() + namedOnlyByBlockedBy,
                        hangs.stream().filter(KafkaHang::named).count()));
            }
        }

        long transactions = expectedTxns.size();
        long mismatched = transactions - matched;
        boolean hangsNamed = hangs == null || hangs.stream().allMatch(KafkaHang::named);
        return new Validation(
                mismatched == 0 && hangsNamed,
                transactions,
                matched,
                mismatched,
                missing,
                unexpected,
                observed.conflicting().size(),
                byVerdict,
                byType,
                List.copyOf(scores),
                new DurationError(compared, exact, compared == 0 ? 0.0 : (double) sumAbs / compared,
                        Math.max(maxAbs, 0), maxAbsTxn),
                listed,
                hangs == null ? null : List.copyOf(hangs),
                others == null ? null : List.copyOf(others));
    }

    /** The Detection row of the Kafka transactions a scenario holds open. */
    public static final String KAFKA_HANG = "kafka_hang";

    /** How many held-open Kafka transactions the job did not name (0 when none were checked). */
    public long unnamedKafkaHangs() {
        return kafkaHangs == null ? 0 : kafkaHangs.stream().filter(h -> !h.named()).count();
    }

    /**
     * One record per Kafka transaction: a transaction first named long open, then hanging, has two
     * records with the same producer id and a start offset in common.
     */
    private static List<KafkaTransactionHanging> distinctKafkaTransactions(List<KafkaTransactionHanging> records) {
        List<KafkaTransactionHanging> distinct = new ArrayList<>();
        for (KafkaTransactionHanging r : records) {
            boolean seen = distinct.stream().anyMatch(d -> d.producerId() == r.producerId()
                    && d.partitions().stream().anyMatch(r.partitions()::contains));
            if (!seen) {
                distinct.add(r);
            }
        }
        return distinct;
    }

    /**
     * Pairs each held-open transaction with the job's first unclaimed record naming its producer's
     * transactional id, and counts the outcomes and stuck alerts whose {@code blocked_by} names it.
     * Adds the job's other records to {@code others}; returns how many hangs only a {@code
     * blocked_by} named.
     */
    private static long matchHangs(List<HeldOpenKafkaTransactions.Held> held, List<KafkaTransactionHanging> named,
            ObservedTransactions observed, List<KafkaHang> hangs, List<String> others) {
        boolean[] claimed = new boolean[named.size()];
        long onlyBlockedBy = 0;
        for (HeldOpenKafkaTransactions.Held h : held) {
            KafkaTransactionHanging record = null;
            for (int i = 0; i < named.size() && record == null; i++) {
                if (!claimed[i] && h.producedBy(named.get(i).transactionalId())) {
                    claimed[i] = true;
                    record = named.get(i);
                }
            }
            String blockerId = null;
            long outcomes = 0;
            long alerts = 0;
            for (Map.Entry<String, Set<String>> e : observed.blockedOutcomes().entrySet()) {
                if (h.producedBy(e.getKey())) {
                    outcomes += e.getValue().size();
                    blockerId = blockerId == null ? e.getKey() : blockerId;
                }
            }
            for (Map.Entry<String, Set<String>> e : observed.blockedAlerts().entrySet()) {
                if (h.producedBy(e.getKey())) {
                    alerts += e.getValue().size();
                    blockerId = blockerId == null ? e.getKey() : blockerId;
                }
            }
            if (record == null && blockerId != null) {
                onlyBlockedBy++;
            }
            hangs.add(new KafkaHang(h.producer(), h.openMs(), h.records(), record != null || blockerId != null,
                    record != null ? record.transactionalId() : blockerId,
                    record == null ? null : record.alert(),
                    record == null ? null : record.ageMs(),
                    record == null ? List.of() : record.partitions().stream()
                            .map(p -> p.topic() + "-" + p.partition()).toList(),
                    outcomes, alerts));
        }
        for (int i = 0; i < named.size(); i++) {
            if (!claimed[i]) {
                KafkaTransactionHanging r = named.get(i);
                others.add(String.format(Locale.ROOT, "%s: %s (producer %d) on %s, open %.1f s",
                        r.alert(), r.transactionalId() == null ? "no transactional id" : r.transactionalId(),
                        r.producerId(), r.partitions().stream().map(p -> p.topic() + "-" + p.partition())
                                .collect(Collectors.joining(", ")), r.ageMs() / 1000.0));
            }
        }
        return onlyBlockedBy;
    }

    /** The comparison as a plain-text table, for a terminal or a CI log. */
    public String table() {
        return ValidationTable.render(this);
    }

    /** Observed columns: every verdict, then missing. */
    public static List<String> observedColumns() {
        List<String> columns = new ArrayList<>();
        for (Verdict v : Verdict.values()) {
            columns.add(v.wireName());
        }
        columns.add(MISSING);
        return columns;
    }

    private static Map<String, Long> emptyVerdictRow() {
        Map<String, Long> row = new LinkedHashMap<>();
        for (Verdict v : Verdict.values()) {
            row.put(v.wireName(), 0L);
        }
        return row;
    }

    private static Map<String, Long> emptyObservedRow() {
        Map<String, Long> row = emptyVerdictRow();
        row.put(MISSING, 0L);
        return row;
    }

    private static void count(long[] score, boolean expected, boolean observed) {
        if (expected) {
            score[0]++;
        }
        if (observed) {
            score[1]++;
        }
        if (expected && observed) {
            score[2]++;
        }
    }

    private static String describe(Outcome outcome, boolean alerted) {
        if (outcome == null) {
            return alerted ? "stuck alert, no outcome" : "no outcome, no stuck alert";
        }
        StringBuilder sb = new StringBuilder("outcome ").append(outcome.state().wireName());
        if (outcome.result() != null) {
            sb.append('/').append(outcome.result().wireName());
        }
        if (outcome.durationMs() != null) {
            sb.append(", ").append(outcome.durationMs()).append(" ms");
        }
        if (outcome.lastStep() != null) {
            sb.append(", last step ").append(outcome.lastStep());
        }
        if (alerted) {
            sb.append(", stuck alert");
        }
        return sb.toString();
    }
}
