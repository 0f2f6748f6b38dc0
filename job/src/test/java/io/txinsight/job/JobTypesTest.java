package io.txinsight.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.job.records.ViewEventSerializer;
import io.txinsight.job.tracker.TransactionTracker;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** Every record type of the job has a serializer of its own or Flink's POJO one: none falls back to Kryo. */
class JobTypesTest {

    @Test
    void theJobBuildsWithGenericTypesDisabled() throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        JobConfig config = JobConfig.DEFAULTS.withBootstrapServers("127.0.0.1:9").withTopics("txn-events");
        TxInsightJob.configure(env, config);
        TxInsightJob.onKafka(config, true).build(env);

        // Serializers are made here: a type that would need Kryo throws instead.
        StreamGraph graph = env.getStreamGraph();

        StreamNode tracker = graph.getStreamNodes().stream()
                .filter(n -> n.getOperatorName().contains(TransactionTracker.NAME))
                .findFirst()
                .orElseThrow();
        assertThat(tracker.getTypeSerializersIn()).allMatch(s -> s instanceof ViewEventSerializer);
    }
}
