package io.txinsight.job.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.job.JobConfig;
import io.txinsight.job.records.View;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.junit.jupiter.api.Test;

class KafkaViewsTest {

    private static Properties props(KafkaSource<?> source) throws Exception {
        // KafkaSource keeps its consumer properties private; this test is about exactly those.
        Field f = KafkaSource.class.getDeclaredField("props");
        f.setAccessible(true);
        return (Properties) f.get(source);
    }

    @Test
    void eachViewSetsItsIsolationLevelExplicitly() throws Exception {
        KafkaInput in = JobConfig.DEFAULTS
                .withBootstrapServers("k:9092")
                .withKafkaProperties(Map.of("security.protocol", "SASL_SSL"))
                .kafkaInput();
        Properties monitor = props(KafkaViews.source(in, View.MONITOR, "m"));
        Properties committed = props(KafkaViews.source(in, View.COMMITTED, "c"));

        assertThat(monitor.getProperty("isolation.level")).isEqualTo("read_uncommitted");
        assertThat(committed.getProperty("isolation.level")).isEqualTo("read_committed");
        assertThat(monitor.getProperty("group.id")).isEqualTo("m");
        assertThat(committed.getProperty("group.id")).isEqualTo("c");
        assertThat(monitor.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(committed.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(monitor.getProperty("bootstrap.servers")).isEqualTo("k:9092");
    }

    @Test
    void noPassthroughPropertyTurnsTheMonitorIntoASecondValidator() throws Exception {
        // JobOptions rejects the key; this guards the source itself against a future caller.
        KafkaInput in = KafkaInput.ofTopics("k:9092", "t").withClientProperties(Map.of("isolation.level", "read_committed"));
        assertThat(props(KafkaViews.source(in, View.MONITOR, "m")).getProperty("isolation.level"))
                .isEqualTo("read_uncommitted");
    }

    @Test
    void boundedInputStopsAtTheLatestOffsets() {
        KafkaInput in = KafkaInput.ofTopics("k:9092", "t");
        assertThat(KafkaViews.source(in, View.MONITOR, "m").getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(KafkaViews.source(in.withBounded(true), View.MONITOR, "m").getBoundedness())
                .isEqualTo(Boundedness.BOUNDED);
    }
}
