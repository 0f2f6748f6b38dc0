package io.txinsight.job.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.broker.TlsFiles;
import io.txinsight.job.metrics.CapturingMetricGroup;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector on a broker with an authorizer (KRaft's StandardAuthorizer) whose ACLs give the
 * job's principal what tracking needs (its topics and groups) and then what the collector needs
 * (docs/operations.md §8), one step at a time: without Describe on the transactional ids the
 * collector still shows the lags, counts each denied poll under the missing permission and calls
 * nothing hanging; with that ACL added (and none on the cluster) it sees the open transaction.
 */
class CollectorPermissionsTest {

    private static final String USER = "txinsight-job";
    private static final String PASSWORD = "job-secret";
    private static final String TOPIC = "guarded-events";

    @TempDir
    static Path dir;

    private static TlsFiles tls;
    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startBrokerWithAnAuthorizer() {
        tls = TlsFiles.selfSigned(dir, "broker");
        kafka = EmbeddedKafkaBroker.startSecured(tls, USER, PASSWORD, Map.of(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                // The broker's own plaintext listeners: inter-broker, controller, the tests' admin.
                "super.users", "User:ANONYMOUS"));
        kafka.createTopic(TOPIC, 2);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void withoutDescribeOnTransactionalIdsTheLagsStillShowAndTheMissingPermissionIsCountedThenTheDocumentedAclSuffices()
            throws Exception {
        try (Admin superUser = kafka.admin(); KafkaProducer<String, String> holder = producer("guarded-holder")) {
            // What the job needs to track at all: its topics, its consumer groups.
            allow(superUser, ResourceType.TOPIC, TOPIC, AclOperation.READ, AclOperation.DESCRIBE);
            allow(superUser, ResourceType.GROUP, "guarded-", PatternType.PREFIXED, AclOperation.READ, AclOperation.DESCRIBE);
            superUser.alterConsumerGroupOffsets("guarded-monitor",
                    Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(0))).all().get();
            holder.initTransactions();
            holder.beginTransaction();
            holder.send(new ProducerRecord<>(TOPIC, 0, "k", "held open")).get();

            try (Admin job = Admin.create(jobClient())) {
                CapturingMetricGroup group = new CapturingMetricGroup();
                TransactionsAtTheBroker broker = new TransactionsAtTheBroker(job, kafka.bootstrapServers(),
                        List.of(TOPIC), null, "guarded-monitor", "guarded-committed", KafkaTransactionsSettings.DEFAULTS,
                        new CollectorMetrics(group, List.of(TOPIC)), List.of());

                assertThat(broker.poll(System.currentTimeMillis())).isEmpty();
                assertThat(broker.poll(System.currentTimeMillis())).isEmpty();

                long denied = group.count("txinsights_reason_kafka_collector_failures{reason=denied_transactional_id}");
                assertThat(denied).as("each denied poll counted under the missing permission").isEqualTo(2);
                assertThat(group.count("txinsights_kafka_collector_polls")).isZero();
                assertThat(group.gaugeValue("txinsights_topic_kafka_hanging_transactions{topic=" + TOPIC + "}"))
                        .as("a transaction whose id is hidden from the job is not called hanging").isEqualTo(0L);
                assertThat(group.gaugeValue("txinsights_topic_partition_lso_lag_records{partition=0,topic=" + TOPIC + "}"))
                        .as("the offsets need only the topic's Describe").isEqualTo(1L);
                assertThat(group.gaugeValue("txinsights_view_topic_partition_input_lag_records{partition=0,topic=" + TOPIC
                        + ",view=monitor}")).isEqualTo(1L);

                // The ACL docs/operations.md §8 adds to what tracking needs: Describe on the
                // transactional ids. Describe on the cluster is not needed (Read on the topics
                // covers describeProducers).
                allow(superUser, ResourceType.TRANSACTIONAL_ID, "*", AclOperation.DESCRIBE);
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
                    broker.poll(System.currentTimeMillis());
                    assertThat(group.count("txinsights_kafka_collector_polls")).isPositive();
                });
                assertThat(group.gaugeValue("txinsights_topic_kafka_open_transactions{topic=" + TOPIC + "}")).isEqualTo(1L);
                assertThat(group.count("txinsights_reason_kafka_collector_failures{reason=denied_cluster}")).isZero();
                assertThat(group.count("txinsights_reason_kafka_collector_failures{reason=other}")).isZero();
            }
            holder.abortTransaction();
        }
    }

    private static Properties jobClient() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + USER + "\" password=\"" + PASSWORD + "\";");
        p.put("ssl.truststore.location", tls.truststore().toString());
        p.put("ssl.truststore.password", tls.password());
        p.put("ssl.truststore.type", "JKS");
        return p;
    }

    /** A producer on the broker's plaintext listener (a super user): the one holding a transaction open. */
    private static KafkaProducer<String, String> producer(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.plaintextBootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static void allow(Admin admin, ResourceType type, String name, AclOperation... operations) throws Exception {
        allow(admin, type, name, PatternType.LITERAL, operations);
    }

    private static void allow(Admin admin, ResourceType type, String name, PatternType pattern, AclOperation... operations)
            throws Exception {
        List<AclBinding> bindings = java.util.Arrays.stream(operations)
                .map(op -> new AclBinding(new ResourcePattern(type, name, pattern),
                        new AccessControlEntry("User:" + USER, "*", op, AclPermissionType.ALLOW)))
                .toList();
        admin.createAcls(bindings).all().get();
    }
}
