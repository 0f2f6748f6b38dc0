package io.txinsight.replayer.bench;

import io.txinsight.broker.EmbeddedKafkaBroker;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** The Kafka a bench runs against: a fresh embedded broker, or a running cluster given by address. */
final class BenchKafka implements AutoCloseable {

    private final EmbeddedKafkaBroker embedded;
    private final String bootstrap;

    private BenchKafka(EmbeddedKafkaBroker embedded, String bootstrap) {
        this.embedded = embedded;
        this.bootstrap = bootstrap;
    }

    /** An embedded broker in this JVM when {@code bootstrap} is null, else the cluster at that address. */
    static BenchKafka start(String bootstrap) {
        if (bootstrap == null) {
            EmbeddedKafkaBroker k = EmbeddedKafkaBroker.start();
            return new BenchKafka(k, k.bootstrapServers());
        }
        return new BenchKafka(null, bootstrap);
    }

    String bootstrapServers() {
        return bootstrap;
    }

    String describe() {
        return embedded != null ? "embedded broker started by the bench" : "Kafka at " + bootstrap;
    }

    void createTopic(String name, int partitions) {
        if (embedded != null) {
            embedded.createTopic(name, partitions);
            return;
        }
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
        }
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
