package io.txinsight.sandbox;

import io.txinsight.events.Durations;
import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.job.JobOptions;
import io.txinsight.job.collector.HangingRule;
import io.txinsight.job.collector.KafkaTransactionsCollector;
import io.txinsight.job.collector.KafkaTransactionsSnapshot;
import io.txinsight.job.collector.OpenKafkaTransaction;
import io.txinsight.job.collector.PartitionOffsets;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code txinsight kafka-transactions}: for operators without Grafana, what holds the committed
 * view of the input topics back, right now: each partition's high watermark and last stable
 * offset, and every Kafka transaction open on them, hanging ones first with the command that ends
 * them, each with the business transactions it holds back now and held back before, as the job's
 * alerts and outcomes topics tell ({@link HeldBackTransactions}).
 */
@Command(
        name = "kafka-transactions",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the Kafka transactions open on the given topics, as the broker sees them (Kafka's Admin API: "
                    + "listOffsets, describeProducers, listTransactions, describeTransactions), and which of them "
                    + "hang: silent past the broker's transaction.max.timeout.ms while the coordinator cannot account "
                    + "for them, as kafka-transactions.sh find-hanging decides. A hanging transaction pins its "
                    + "partition's last stable offset, so read_committed readers (txinsight's committed view among "
                    + "them) stop there.",
            "",
            "Under each open transaction, the business transactions its producer holds back, read from the job's "
                    + "alerts and outcomes topics (read_committed, the records written within --since): held back "
                    + "now (a stuck alert names it and the transaction has no outcome yet), and held back before, "
                    + "decided since (an outcome names it, or followed a stuck alert that did). The job's records "
                    + "name a producer, not one of its transactions: a producer that keeps its transactional id "
                    + "shows its earlier transactions' counts too.",
            "",
            "Exit status: 0, or 1 when a transaction hangs, 2 on an error (a usage error included).",
            "",
            "Needs Describe on the input topics and on the transactional ids, Read and Describe on the alerts "
                    + "and outcomes topics (no consumer group is used).",
            ""
        },
        footer = {"", "Examples:",
            "  ./txinsight kafka-transactions --bootstrap-servers 127.0.0.1:9092",
            "  ./txinsight kafka-transactions --bootstrap-servers kafka:9092 \\",
            "      --topics payments.events --alerts-topic payments.alerts \\",
            "      --outcomes-topic payments.outcomes --since 6h"})
public final class KafkaTransactionsCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", defaultValue = "localhost:9092",
            description = "The Kafka cluster (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--topics", split = ",", paramLabel = "TOPIC", defaultValue = "txn-events",
            description = "The business event topics to look at (default: ${DEFAULT-VALUE}).")
    List<String> topics;

    @Option(names = "--max-transaction-timeout", paramLabel = "DURATION", defaultValue = "15m",
            converter = JobOptions.DurationConverter.class,
            description = "The brokers' transaction.max.timeout.ms (default: ${DEFAULT-VALUE}, Kafka's default).")
    long maxTransactionTimeoutMs;

    @Option(names = "--long-open-after", paramLabel = "DURATION", defaultValue = "1m", converter = JobOptions.DurationConverter.class,
            description = "Flag a transaction open longer than this as long open (default: ${DEFAULT-VALUE}).")
    long longOpenAfterMs;

    @Option(names = "--alerts-topic", paramLabel = "TOPIC", defaultValue = "txn-alerts",
            description = "The job's alerts topic, its --alerts-topic (default: ${DEFAULT-VALUE}, the job's default).")
    String alertsTopic;

    @Option(names = "--outcomes-topic", paramLabel = "TOPIC", defaultValue = "txn-outcomes",
            description = "The job's outcomes topic, its --outcomes-topic (default: ${DEFAULT-VALUE}, the job's default).")
    String outcomesTopic;

    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "2h", converter = JobOptions.DurationConverter.class,
            description = "Read the alerts and outcomes the job wrote this recently (default: ${DEFAULT-VALUE}: past the"
                    + " job's default --retention of 1h, within which every stuck transaction gets an outcome; raise it"
                    + " with the job's --retention).")
    long sinceMs;

    @Option(names = "--from-beginning",
            description = "Read the alerts and outcomes topics from their beginning instead (slow on a long history).")
    boolean fromBeginning;

    @Option(names = "--read-timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = JobOptions.DurationConverter.class,
            description = "Give up reading the alerts and outcomes topics after this long; the counts then say they"
                    + " are partial (default: ${DEFAULT-VALUE}).")
    long readTimeoutMs;

    @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
            description = "A Kafka client property for the Admin client and the consumer of the alerts and outcomes"
                    + " topics, e.g. security.protocol=SASL_SSL (repeatable).")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (!fromBeginning && sinceMs <= 0) {
            throw new IllegalArgumentException("--since must be longer than 0 (or give --from-beginning)");
        }
        Map<String, Object> config = new HashMap<>(kafkaProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        KafkaTransactionsSnapshot snapshot;
        try (Admin admin = Admin.create(config)) {
            KafkaTransactionsCollector collector = new KafkaTransactionsCollector(admin, topics,
                    new HangingRule(maxTransactionTimeoutMs, longOpenAfterMs), Duration.ofSeconds(30));
            snapshot = collector.poll(System.currentTimeMillis());
        }
        HeldBackTransactions held = null;
        if (!snapshot.openTransactions().isEmpty()) {
            Map<Long, String> producers = new HashMap<>(); // producer id -> transactional id, null when unknown
            for (OpenKafkaTransaction t : snapshot.openTransactions()) {
                if (t.transactionalId() != null || !producers.containsKey(t.producerId())) {
                    producers.put(t.producerId(), t.transactionalId());
                }
            }
            held = new HeldBackTransactions(producers);
            held.read(config, alertsTopic, outcomesTopic, fromBeginning ? null : snapshot.takenAtMs() - sinceMs,
                    System.nanoTime() + readTimeoutMs * 1_000_000);
        }
        print(snapshot, held, System.out);
        return snapshot.hanging().isEmpty() ? 0 : 1;
    }

    void print(KafkaTransactionsSnapshot s, HeldBackTransactions held, PrintStream out) {
        out.println("Partitions (high watermark / last stable offset: records read_committed cannot read yet)");
        for (PartitionOffsets p : s.partitions()) {
            out.printf("  %-30s %,12d / %,12d  %,d behind%n", p.topic() + "-" + p.partition(), p.highWatermark(),
                    p.lastStableOffset(), p.stableLagRecords());
        }
        // Hanging first; a transaction's partitions together, its business transactions after them.
        Map<Long, List<OpenKafkaTransaction>> byProducer = new LinkedHashMap<>();
        s.openTransactions().stream()
                .sorted((a, b) -> Integer.compare(b.kind().ordinal(), a.kind().ordinal()))
                .forEach(t -> byProducer.computeIfAbsent(t.producerId(), id -> new ArrayList<>()).add(t));
        out.printf("Open Kafka transactions: %d (%d hanging)%n", s.openTransactions().size(), s.hanging().size());
        if (held != null) {
            out.println("  each with the business transactions its producer holds back, from " + alertsTopic + " and "
                    + outcomesTopic + (fromBeginning ? " (all of them)" : " (written within " + Durations.format(sinceMs)
                    + ")") + ":");
        }
        for (List<OpenKafkaTransaction> transaction : byProducer.values()) {
            for (OpenKafkaTransaction t : transaction) {
                out.printf("  %-10s %s from offset %,d, open %s; producer %d epoch %d, transactional id %s%s%n",
                        t.kind().name().toLowerCase().replace('_', ' '), t.partitionName(), t.startOffset(),
                        age(t.ageMs(s.takenAtMs())), t.producerId(), t.producerEpoch(),
                        t.transactionalId() == null ? "unknown to the coordinator" : t.transactionalId(),
                        t.coordinatorState() == null ? "" : " (" + t.coordinatorState() + ", lists "
                                + String.join(", ", t.coordinatorPartitions()) + ")");
                if (t.kind() == OpenKafkaTransaction.Kind.HANGING) {
                    out.println("             end it: " + t.abortCommand(bootstrapServers));
                }
            }
            if (held != null) {
                printHeldBack(held.holder(transaction.get(0).producerId()), out);
            }
        }
        if (held != null) {
            for (String note : held.notes()) {
                out.println("  (" + note + ")");
            }
        }
    }

    private static void printHeldBack(HeldBackTransactions.Holder h, PrintStream out) {
        out.printf("             held back now: %s%s%n",
                h.heldNow() == 0 ? "none known (no stuck alert naming it awaits an outcome)"
                        : (h.overflowed() ? "up to " : "") + String.format("%,d", h.heldNow())
                                + " business transaction(s), stuck with no outcome yet",
                sample(h.heldNowSample(), h.heldNow()));
        out.printf("             held back before, decided since: %s%s%n",
                h.decided() == 0 ? "none" : String.format("%,d", h.decided()) + " (with an outcome now)",
                sample(h.decidedSample(), h.decided()));
        KafkaTransactionHanging hanging = h.hanging();
        if (hanging != null) {
            out.printf("             the job called it hanging at %s%s%n",
                    Instant.ofEpochMilli(hanging.detectedAtMs()).truncatedTo(ChronoUnit.SECONDS),
                    hanging.blockedTxnCount() == null ? "" : ", blocking " + hanging.blockedTxnCount()
                            + sample(hanging.blockedTxnIds(), hanging.blockedTxnCount()));
        }
    }

    /** To the second; "under 1s" rather than a bare 0. */
    private static String age(long ms) {
        return ms < 1000 ? "under 1s" : Durations.format(ms / 1000 * 1000);
    }

    private static String sample(List<String> ids, long count) {
        return ids.isEmpty() ? "" : ": " + String.join(", ", ids) + (count > ids.size() ? ", ..." : "");
    }

    public static void main(String[] args) {
        // 1 means "a transaction hangs": a failure to ask is 2, as a usage error is.
        System.exit(Sandbox.commandLine(new KafkaTransactionsCommand(), 2).execute(args));
    }
}
