package io.txinsight.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.events.EventCodec;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioReader;
import io.txinsight.events.Truth;
import io.txinsight.simulator.cli.Commands;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.TxnFate;
import io.txinsight.simulator.publish.PublishReport;
import io.txinsight.simulator.publish.TransactionalPublisher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Stream and batch mode against a real broker: a read_committed consumer sees exactly the records
 * of committed Kafka transactions, a read_uncommitted one sees every record.
 */
class StreamModeTest {

    private static EmbeddedKafkaBroker kafka;
    private final EventCodec codec = new EventCodec();

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.start();
        kafka.createTopics(3, "streamed", "batched");
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void streamModeCommitsAbortsAndHangsLikeTheModelSays() throws Exception {
        // A 3 s scenario with short timings: aborts, failed closes and one 1 s hang.
        SimulationParams params = SimulationParams.builder()
                .seed(11).count(300).durationMs(3000).producers(2).abortShare(0.2).hangs(1).hangMs(1000)
                .abortGraceMs(200).outOfOrdernessMs(200).duplicateShare(0.05).outOfOrderShare(0.05)
                .malformedShare(0.01).topic("streamed").startEpochMs(System.currentTimeMillis())
                .build();
        List<ScenarioRecord> published = new ArrayList<>();
        TransactionalPublisher.Result result = publisher("stream-test-", true)
                .publish(new Workload(params), published::add, null);

        assertSeenExactly(published, "streamed");
        PublishReport report = result.report();
        assertThat(report.records()).isEqualTo(published.size());
        assertThat(report.committedTxns() + report.abortedTxns()).isEqualTo(kafkaTxns(published).size());
        assertThat(report.abortedTxns()).isEqualTo(kafkaTxns(published).stream().filter(k -> k.fate() != TxnFate.COMMIT).count());
        assertThat(kafkaTxns(published)).anyMatch(k -> k.fate() == TxnFate.HANG);
        // Paced: the run cannot be faster than the scenario it follows.
        assertThat(report.elapsedMs()).isGreaterThanOrEqualTo(report.scenarioMs());
        assertThat(result.truth().summary().transactions()).isEqualTo(300);
    }

    @Test
    void batchModePublishesAsFastAsPossibleAndKeepsTransactionFates() throws Exception {
        SimulationParams params = SimulationParams.builder()
                .seed(12).count(1000).durationMs(20_000).producers(3).kafkaTxnMs(500).abortShare(0.1)
                .hangs(1).hangMs(5000)
                .topic("batched").build();
        List<ScenarioRecord> published = new ArrayList<>();
        TransactionalPublisher.Result result = publisher("batch-test-", false)
                .publish(new Workload(params), published::add, null);

        assertSeenExactly(published, "batched");
        assertThat(result.report().records()).isEqualTo(published.size());
        assertThat(result.report().elapsedMs()).isLessThan(params.spanMs());
    }

    @Test
    void theCommandLinePublishesAndKeepsACopyOfWhatItSent(@TempDir Path dir) throws Exception {
        kafka.createTopics(3, "cli-batch", "cli-stream");
        StringWriter out = new StringWriter();
        CommandLine cl = Commands.commandLine();
        cl.setOut(new PrintWriter(out, true));

        int batch = cl.execute("batch", "-b", kafka.bootstrapServers(), "--topic", "cli-batch", "--quiet",
                "--count", "400", "--duration", "20s", "--aborts", "0.1", "--kafka-txn-span", "1s", "--producers", "2",
                "--transactional-id-prefix", "cli-batch-",
                "--out", dir.resolve("batch").toString());
        assertThat(batch).isZero();
        assertThat(out.toString()).contains("Published").contains("400 transactions").contains("as fast as possible");
        assertSeenExactly(read(dir.resolve("batch")), "cli-batch");

        int stream = cl.execute("stream", "-b", kafka.bootstrapServers(), "--topic", "cli-stream", "--quiet",
                "--duration", "2s", "--event-rate", "1000", "--transactional-id-prefix", "cli-stream-",
                "--out", dir.resolve("stream").toString());
        assertThat(stream).isZero();
        assertThat(out.toString()).contains("rate: achieved").contains("target 1,000 records/s; generated");
        List<ScenarioRecord> streamed = read(dir.resolve("stream"));
        assertThat(streamed).hasSizeBetween(1000, 3000);
        assertThat(Truth.read(Scenario.truthFileIn(dir.resolve("stream"))).params()).containsEntry("topic", "cli-stream");
        assertThat(readAll("cli-stream", "read_uncommitted")).hasSameSizeAs(streamed);
    }

    private static List<ScenarioRecord> read(Path scenarioDir) throws Exception {
        List<ScenarioRecord> records = new ArrayList<>();
        try (ScenarioReader reader = new ScenarioReader(Scenario.eventsFileIn(scenarioDir), new ScenarioCodec())) {
            ScenarioRecord r;
            while ((r = reader.next()) != null) {
                records.add(r);
            }
        }
        return records;
    }

    private TransactionalPublisher publisher(String idPrefix, boolean paced) {
        return new TransactionalPublisher(
                new TransactionalPublisher.Settings(kafka.bootstrapServers(), idPrefix, Map.of(), paced));
    }

    private void assertSeenExactly(List<ScenarioRecord> published, String topic) {
        List<String> all = new ArrayList<>();
        List<String> committed = new ArrayList<>();
        for (ScenarioRecord r : published) {
            String line = r.key() + " -> " + new String(r.value(codec), StandardCharsets.UTF_8);
            all.add(line);
            if (r.txn().fate() == TxnFate.COMMIT) {
                committed.add(line);
            }
        }
        assertThat(committed.size()).isLessThan(all.size());
        assertThat(readAll(topic, "read_committed")).containsExactlyInAnyOrderElementsOf(committed);
        assertThat(readAll(topic, "read_uncommitted")).containsExactlyInAnyOrderElementsOf(all);
    }

    private static Set<KafkaTxn> kafkaTxns(Collection<ScenarioRecord> records) {
        Set<KafkaTxn> txns = new HashSet<>();
        records.forEach(r -> txns.add(r.txn()));
        return txns;
    }

    /** Everything up to the end of every partition (the last stable offset, for read_committed). */
    private static List<String> readAll(String topic, String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("read %s to its end within 60 s", topic).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String key = r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8);
                    seen.add(key + " -> " + new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return seen;
    }
}
