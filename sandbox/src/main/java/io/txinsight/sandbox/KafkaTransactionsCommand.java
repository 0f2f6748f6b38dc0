package io.txinsight.sandbox;

import io.txinsight.events.Durations;
import io.txinsight.job.JobOptions;
import io.txinsight.job.collector.HangingRule;
import io.txinsight.job.collector.KafkaTransactionsCollector;
import io.txinsight.job.collector.KafkaTransactionsSnapshot;
import io.txinsight.job.collector.OpenKafkaTransaction;
import io.txinsight.job.collector.PartitionOffsets;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code txinsight kafka-transactions}: for operators without Grafana, what holds the committed
 * view of the input topics back, right now: each partition's high watermark and last stable
 * offset, and every Kafka transaction open on them, hanging ones first with the command that ends
 * them.
 */
@Command(
        name = "kafka-transactions",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the Kafka transactions open on the given topics, as the broker sees them (Kafka's Admin API:",
            "listOffsets, describeProducers, listTransactions, describeTransactions), and which of them hang:",
            "silent past the broker's transaction.max.timeout.ms while the coordinator cannot account for them,",
            "as kafka-transactions.sh find-hanging decides. A hanging transaction pins its partition's last",
            "stable offset, so read_committed readers (txinsight's committed view among them) stop there.",
            "Exit status: 0, or 1 when a transaction hangs, 2 on an error.",
            "Needs Describe on the topics, the cluster and the transactional ids."
        },
        footer = {"", "Example:", "  ./txinsight kafka-transactions --bootstrap-servers 127.0.0.1:9092 --topics txn-events"})
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

    @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
            description = "An Admin client property, e.g. security.protocol=SASL_SSL (repeatable).")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Map<String, Object> config = new HashMap<>(kafkaProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            KafkaTransactionsCollector collector = new KafkaTransactionsCollector(admin, topics,
                    new HangingRule(maxTransactionTimeoutMs, longOpenAfterMs), Duration.ofSeconds(30));
            KafkaTransactionsSnapshot snapshot = collector.poll(System.currentTimeMillis());
            print(snapshot, System.out);
            return snapshot.hanging().isEmpty() ? 0 : 1;
        }
    }

    void print(KafkaTransactionsSnapshot s, PrintStream out) {
        out.println("Partitions (high watermark / last stable offset: records read_committed cannot read yet)");
        for (PartitionOffsets p : s.partitions()) {
            out.printf("  %-30s %,12d / %,12d  %,d behind%n", p.topic() + "-" + p.partition(), p.highWatermark(),
                    p.lastStableOffset(), p.stableLagRecords());
        }
        List<OpenKafkaTransaction> open = s.openTransactions().stream()
                .sorted((a, b) -> Integer.compare(b.kind().ordinal(), a.kind().ordinal()))
                .toList();
        out.printf("Open Kafka transactions: %d (%d hanging)%n", open.size(), s.hanging().size());
        for (OpenKafkaTransaction t : open) {
            out.printf("  %-10s %s from offset %,d, open %s; producer %d epoch %d, transactional id %s%s%n",
                    t.kind().name().toLowerCase().replace('_', ' '), t.partitionName(), t.startOffset(),
                    Durations.format(t.ageMs(s.takenAtMs()) / 1000 * 1000), t.producerId(), t.producerEpoch(),
                    t.transactionalId() == null ? "unknown to the coordinator" : t.transactionalId(),
                    t.coordinatorState() == null ? "" : " (" + t.coordinatorState() + ", lists "
                            + String.join(", ", t.coordinatorPartitions()) + ")");
            if (t.kind() == OpenKafkaTransaction.Kind.HANGING) {
                out.println("             end it: " + t.abortCommand(bootstrapServers));
            }
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new KafkaTransactionsCommand()).execute(args));
    }
}
