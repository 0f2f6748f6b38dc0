package io.txinsight.job.sinks;

import io.txinsight.job.LocalMiniCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.txinsight.job.e2e.KafkaBroker;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Outcomes about old events must survive the broker's time-based retention.
 *
 * <p>Regression: the sinks used to stamp each record with its element's event time. A scenario
 * replayed as recorded (months old) or a catch-up of old data then wrote outputs that were already
 * past {@code retention.ms}, and the broker deleted them at its next retention check: the first
 * outputs of a fresh job vanished from the topic, committed or not, while later ones (written
 * after that check) stayed until the next one. This broker checks retention every 200 ms from
 * the start, so what a production broker does within minutes happens here within the test.
 */
class OutputRetentionTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = LocalMiniCluster.withSlots(1);

    /** 2026-01-01, far beyond the default retention (7 days) of today's broker. */
    private static final long OLD_EVENT_TIME = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final int OUTCOMES = 50;

    @RegisterExtension
    static final KafkaBroker kafka = new KafkaBroker(Map.of(
            "log.initial.task.delay.ms", "0",
            "log.retention.check.interval.ms", "200"));

    @Test
    void outcomesAboutOldEventsAreNotDeletedByRetention() throws Exception {
        kafka.createTopics(1, "outcomes", "retention-probe");
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < OUTCOMES; i++) {
            long opened = OLD_EVENT_TIME + i * 1_000L;
            outcomes.add(new Outcome("t-" + i, "payment", Outcome.State.CLOSED, CloseStatus.SUCCESS,
                    opened, opened + 200, 200L, 5L, false, "settle", 3, false, opened + 300));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(500);
        env.fromData(outcomes)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Outcome>forMonotonousTimestamps()
                        .withTimestampAssigner((o, ts) -> o.closedAtMs()))
                .sinkTo(new KafkaOutputs(kafka.bootstrapServers(), Map.of(), true, "retention-test").outcomes("outcomes"));
        env.execute("outcomes about old events");

        // A record that retention must delete, written after the outcomes: once it is gone, the
        // broker has run a retention pass over every log since the outcomes were committed.
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
            producer.send(new ProducerRecord<>("retention-probe", null, OLD_EVENT_TIME, null, new byte[] {1})).get();
        }
        TopicPartition probe = new TopicPartition("retention-probe", 0);
        TopicPartition out = new TopicPartition("outcomes", 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps())) {
            await("the broker's retention pass deletes the old probe record").atMost(Duration.ofSeconds(60))
                    .until(() -> consumer.beginningOffsets(List.of(probe)).get(probe) > 0);

            assertThat(consumer.beginningOffsets(List.of(out)).get(out))
                    .as("no outcome segment was deleted by retention").isZero();
            consumer.assign(List.of(out));
            consumer.seekToBeginning(List.of(out));
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            await("all outcomes read back").atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                        return read.size() >= OUTCOMES;
                    });
            assertThat(read).hasSize(OUTCOMES);
            long writtenAfter = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();
            assertThat(read).allSatisfy(r -> assertThat(r.timestamp())
                    .as("Kafka timestamp of %s is the time it was written", new String(r.key()))
                    .isGreaterThan(writtenAfter));
        }
    }

    private static Properties producerProps() {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private static Properties consumerProps() {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
