package io.txinsight.validator;

import io.txinsight.events.Alert;
import io.txinsight.events.BlockingKafkaTransaction;
import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.events.Outcome;
import io.txinsight.events.Truth;
import io.txinsight.events.VelocityAlert;
import io.txinsight.events.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the job said about each business transaction, folded from its outcome and alert records
 * in the order they were read.
 *
 * <p>The observed verdict of a transaction: a closed or aborted outcome decides it. Otherwise a
 * stuck alert makes it {@link Verdict#STUCK}: a stuck transaction stays in the job's state until
 * its retention bound, so its outcome (an expired one) may come much later or not within the
 * validation's timeout. Failing both, an expired outcome decides it; with nothing at all it is
 * missing ({@code null}).
 *
 * <p>It also keeps what the job said about Kafka transactions: its long-open and hanging records,
 * and which business transactions' outcomes and stuck alerts named a Kafka transaction in {@code
 * blocked_by}.
 */
public final class ObservedTransactions {

    private final Map<String, Outcome> outcomes = new HashMap<>();
    private final Set<String> alerted = new HashSet<>();
    private final Set<String> conflicting = new HashSet<>();
    private final List<VelocityAlert> velocity = new ArrayList<>();
    private final List<KafkaTransactionHanging> kafkaTransactions = new ArrayList<>();
    /** Transactional id (or {@code producer <id>} without one) -> business transactions whose outcome names it. */
    private final Map<String, Set<String>> blockedOutcomes = new LinkedHashMap<>();
    /** The same, for stuck alerts. */
    private final Map<String, Set<String>> blockedAlerts = new LinkedHashMap<>();
    private long outcomeRecords;
    private long alertRecords;

    public static ObservedTransactions of(Collection<Outcome> outcomes, Collection<Alert> alerts) {
        return of(outcomes, alerts, List.of());
    }

    public static ObservedTransactions of(
            Collection<Outcome> outcomes, Collection<Alert> alerts, Collection<VelocityAlert> velocity) {
        return of(outcomes, alerts, velocity, List.of());
    }

    public static ObservedTransactions of(Collection<Outcome> outcomes, Collection<Alert> alerts,
            Collection<VelocityAlert> velocity, Collection<KafkaTransactionHanging> kafkaTransactions) {
        ObservedTransactions observed = new ObservedTransactions();
        outcomes.forEach(observed::add);
        alerts.forEach(observed::add);
        velocity.forEach(observed::add);
        kafkaTransactions.forEach(observed::add);
        return observed;
    }

    /** A velocity alert: about an account, not a transaction, so it decides no verdict. */
    public void add(VelocityAlert alert) {
        velocity.add(alert);
    }

    /** The velocity alerts, in the order read. */
    public List<VelocityAlert> velocityAlerts() {
        return velocity;
    }

    /** A long-open or hanging Kafka transaction: about the broker, so it decides no verdict. */
    public void add(KafkaTransactionHanging record) {
        kafkaTransactions.add(record);
    }

    /** The long-open and hanging Kafka transaction records, in the order read. */
    public List<KafkaTransactionHanging> kafkaTransactions() {
        return kafkaTransactions;
    }

    /** Business transactions whose outcome named this Kafka transaction (by {@link #blockerName}) in {@code blocked_by}. */
    public Map<String, Set<String>> blockedOutcomes() {
        return blockedOutcomes;
    }

    /** Business transactions whose stuck alert named this Kafka transaction in {@code blocked_by}. */
    public Map<String, Set<String>> blockedAlerts() {
        return blockedAlerts;
    }

    /** Whether anything read so far names this held-open transaction's producer: a record or a {@code blocked_by}. */
    public boolean names(HeldOpenKafkaTransactions.Held held) {
        return kafkaTransactions.stream().anyMatch(r -> held.producedBy(r.transactionalId()))
                || blockedOutcomes.keySet().stream().anyMatch(held::producedBy)
                || blockedAlerts.keySet().stream().anyMatch(held::producedBy);
    }

    /** How a {@code blocked_by} is keyed: its transactional id, else {@code producer <id>}. */
    public static String blockerName(BlockingKafkaTransaction blocker) {
        return blocker.transactionalId() != null ? blocker.transactionalId() : "producer " + blocker.producerId();
    }

    private static void blocked(Map<String, Set<String>> into, BlockingKafkaTransaction blocker, String txnId) {
        if (blocker != null) {
            into.computeIfAbsent(blockerName(blocker), k -> new HashSet<>()).add(txnId);
        }
    }

    public void add(Outcome outcome) {
        outcomeRecords++;
        blocked(blockedOutcomes, outcome.blockedBy(), outcome.txnId());
        Outcome previous = outcomes.get(outcome.txnId());
        if (previous == null) {
            outcomes.put(outcome.txnId(), outcome);
            return;
        }
        if (previous.verdict() != outcome.verdict()) {
            // A rerun of the job on the same topic, or a job that changed its mind: worth telling.
            conflicting.add(outcome.txnId());
        }
        // A final state outranks an expiry; among equals the latest record wins.
        if (isFinal(outcome) || !isFinal(previous)) {
            outcomes.put(outcome.txnId(), outcome);
        }
    }

    public void add(Alert alert) {
        alertRecords++;
        blocked(blockedAlerts, alert.blockedBy(), alert.txnId());
        if (Alert.STUCK.equals(alert.alert())) {
            alerted.add(alert.txnId());
        }
    }

    /** The observed verdict, or null when the job said nothing about the transaction. */
    public Verdict verdict(String txnId) {
        Outcome outcome = outcomes.get(txnId);
        if (outcome != null && isFinal(outcome)) {
            return outcome.verdict();
        }
        if (alerted.contains(txnId)) {
            return Verdict.STUCK;
        }
        return outcome == null ? null : outcome.verdict();
    }

    /** The outcome that decided the transaction, or null. */
    public Outcome outcome(String txnId) {
        return outcomes.get(txnId);
    }

    /** Whether a stuck alert was raised for it, or its outcome says it was stuck. */
    public boolean stuckAlert(String txnId) {
        Outcome outcome = outcomes.get(txnId);
        return alerted.contains(txnId) || (outcome != null && outcome.wasStuck());
    }

    /**
     * Whether nothing more is to be expected for this transaction: it has an outcome, or the truth
     * expects it stuck and the alert came. A late close (truth: closed, with a stuck alert) is not
     * accounted for by its alert alone; its closed outcome is still to come.
     */
    public boolean accountsFor(Truth.Transaction expected) {
        if (outcomes.containsKey(expected.txnId())) {
            return true;
        }
        return expected.verdict() == Verdict.STUCK && alerted.contains(expected.txnId());
    }

    /** Transaction ids with an outcome or an alert. */
    public Set<String> txnIds() {
        Set<String> ids = new HashSet<>(outcomes.keySet());
        ids.addAll(alerted);
        return ids;
    }

    /** Transactions whose outcome records disagree with each other. */
    public Set<String> conflicting() {
        return conflicting;
    }

    public long outcomeRecords() {
        return outcomeRecords;
    }

    public long alertRecords() {
        return alertRecords;
    }

    private static boolean isFinal(Outcome outcome) {
        return outcome.state() == Outcome.State.CLOSED || outcome.state() == Outcome.State.ABORTED;
    }
}
