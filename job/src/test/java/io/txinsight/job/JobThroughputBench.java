package io.txinsight.job;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.job.sources.StartingOffsets;
import io.txinsight.simulator.Presets;
import io.txinsight.simulator.SimulationParams;
import io.txinsight.simulator.Workload;
import io.txinsight.simulator.publish.PublishReport;
import io.txinsight.simulator.publish.TransactionalPublisher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.tools.ConsumerPerformance;

/**
 * Catch-up throughput of the job next to Kafka's own consumer, on the same pre-loaded topic in the
 * same run (bench/job-throughput.sh runs it). Not a test: it prints figures.
 *
 * <ol>
 *   <li>Publishes the high_throughput preset with the simulator's batch mode (about 10 records
 *       per transaction, in Kafka transactions of which 2% abort) into an embedded broker, so the
 *       topic holds at least a million records.
 *   <li>Runs {@code org.apache.kafka.tools.ConsumerPerformance} over the whole topic.
 *   <li>Runs the job on a local MiniCluster with both views bounded at the topic's end: the time
 *       from RUNNING to FINISHED is the time it takes to read every record twice (monitor and
 *       committed view), track every transaction and write every outcome.
 * </ol>
 */
public final class JobThroughputBench {

    public static void main(String[] args) throws Exception {
        long transactions = args.length > 0 ? Long.parseLong(args[0]) : 110_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int parallelism = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String topic = "bench-events";

        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopic(topic, partitions);
            kafka.createTopics(partitions, "bench-outcomes", "bench-alerts", "bench-dead-letters");

            SimulationParams params = Presets.named("throughput").toBuilder()
                    .count(transactions)
                    .durationMs(Math.max(30_000, transactions * 6 / 10))
                    .topic(topic)
                    .build()
                    .validate();
            long t0 = System.nanoTime();
            PublishReport load = new TransactionalPublisher(
                            new TransactionalPublisher.Settings(kafka.bootstrapServers(), "bench-load", Map.of(), false))
                    .publish(new Workload(params), null, null)
                    .report();
            double loadS = seconds(t0);
            long records = load.records(); // end offsets would count transaction markers too
            System.out.printf("pre-loaded %s with the simulator's batch mode: %,d records of %,d transactions in %d "
                            + "partitions in %.1f s (%,d Kafka transactions committed, %,d aborted)%n",
                    topic, records, transactions, partitions, loadS, load.committedTxns(), load.abortedTxns());

            Map<String, String> perf = consumerPerformance(kafka.bootstrapServers(), topic, records);
            double consumerRate = Double.parseDouble(perf.get("nMsg.sec"));
            System.out.printf("Kafka ConsumerPerformance (one consumer, read_uncommitted): %,.0f records/s "
                            + "(%s MB/s; fetch only: %,.0f records/s)%n",
                    consumerRate, perf.get("MB.sec"), Double.parseDouble(perf.get("fetch.nMsg.sec")));

            JobConfig config = JobConfig.DEFAULTS
                    .withBootstrapServers(kafka.bootstrapServers())
                    .withTopics(topic)
                    .withStartingOffsets(StartingOffsets.EARLIEST)
                    .withBoundedInput(true)
                    .withOutputTopics("bench-outcomes", "bench-alerts", "bench-dead-letters")
                    .withCheckpointIntervalMs(0)
                    .withParallelism(parallelism)
                    .withJobName("txinsight-bench");
            Configuration conf = new Configuration();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
            TxInsightJob.configure(env, config);
            TxInsightJob.onKafka(config, false).build(env);
            long submitted = System.nanoTime();
            JobClient job = env.executeAsync(config.jobName());
            org.awaitility.Awaitility.await("job RUNNING").atMost(java.time.Duration.ofMinutes(2))
                    .pollInterval(java.time.Duration.ofMillis(10))
                    .until(() -> job.getJobStatus().get() == JobStatus.RUNNING || job.getJobStatus().get().isTerminalState());
            long running = System.nanoTime();
            job.getJobExecutionResult().get();
            double jobS = seconds(running);
            double startS = (running - submitted) / 1e9;
            long outcomes = endOffsets(kafka, "bench-outcomes");
            double jobRate = records / jobS;
            System.out.printf("txinsight job (monitor + committed view, parallelism %d): %,.0f records/s of the topic "
                            + "(%,.0f record reads/s over both views; %.1f s from RUNNING to FINISHED, %.1f s start-up "
                            + "not counted; %,d outcomes written)%n",
                    parallelism, jobRate, 2 * jobRate, jobS, startS, outcomes);
            System.out.printf("ratio job / ConsumerPerformance: %.2f (each record is read twice by the job)%n",
                    jobRate / consumerRate);
            System.out.printf("reproduce: bench/job-throughput.sh %d %d %d   (transactions, partitions, parallelism)%n",
                    transactions, partitions, parallelism);
        }
    }

    private static Map<String, String> consumerPerformance(String bootstrap, String topic, long records)
            throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ConsumerPerformance.main(new String[] {
                "--bootstrap-server", bootstrap,
                "--topic", topic,
                "--num-records", String.valueOf(records),
                "--group", "bench-consumer-perf",
                "--timeout", "60000"
            });
        } finally {
            System.setOut(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> !l.isBlank() && !l.startsWith("WARN"))
                .collect(Collectors.toList());
        String[] header = lines.get(lines.size() - 2).split(",\\s*");
        String[] values = lines.get(lines.size() - 1).split(",\\s*");
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < header.length && i < values.length; i++) {
            out.put(header[i].trim(), values[i].trim());
        }
        if (!out.containsKey("nMsg.sec")) {
            throw new IllegalStateException("unexpected ConsumerPerformance output:\n" + String.join("\n", lines));
        }
        return out;
    }

    private static long endOffsets(EmbeddedKafkaBroker kafka, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
