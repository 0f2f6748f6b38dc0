package io.txinsight.job.e2e;

import io.txinsight.broker.EmbeddedKafkaBroker;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Kafka (KRaft, loopback) for the tests of one class: started before the
 * first test, stopped after the last. Register it as a static field with {@code @RegisterExtension}.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> overrides;
    private EmbeddedKafkaBroker broker;

    public KafkaBroker() {
        this(Map.of());
    }

    /** @param overrides broker properties that replace the defaults */
    public KafkaBroker(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedKafkaBroker.start(0, overrides);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public void createTopic(String name, int partitions) {
        broker.createTopic(name, partitions);
    }

    public void createTopics(int partitions, String... names) {
        broker.createTopics(partitions, names);
    }
}
