package io.txinsight.job.collector;

import io.txinsight.events.KafkaTransactionHanging;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The collector inside the job (issue 18 §1): at every tick one poll of {@link
 * TransactionsAtTheBroker}, whose newly hanging and long-open transactions it emits. It runs at parallelism 1,
 * fed by a rate-limited tick source, so it needs no timers; its only state is which hanging
 * transactions it already reported, so a restart does not report them again. It never fails the
 * job: what the broker refuses or does not answer is counted and logged once.
 */
public final class KafkaTransactionsWatcher extends ProcessFunction<Long, KafkaTransactionHanging>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    public static final String TICKS_UID = "kafka-transactions-ticks";
    public static final String WATCHER_UID = "kafka-transactions-collector";

    private final String bootstrapServers;
    private final Map<String, String> adminProperties;
    private final List<String> topics;
    private final String topicPattern;
    private final String monitorGroupId;
    private final String committedGroupId;
    private final KafkaTransactionsSettings settings;

    private transient Admin admin;
    private transient TransactionsAtTheBroker broker;
    private transient ListState<String> reportedState;
    private transient List<String> restored;

    public KafkaTransactionsWatcher(String bootstrapServers, Map<String, String> adminProperties, List<String> topics,
            String topicPattern, String monitorGroupId, String committedGroupId, KafkaTransactionsSettings settings) {
        this.bootstrapServers = bootstrapServers;
        this.adminProperties = Map.copyOf(adminProperties);
        this.topics = List.copyOf(topics);
        this.topicPattern = topicPattern;
        this.monitorGroupId = monitorGroupId;
        this.committedGroupId = committedGroupId;
        this.settings = settings;
    }

    /** Adds the tick source and this collector to {@code env}; the hanging records come out. */
    public SingleOutputStreamOperator<KafkaTransactionHanging> watch(StreamExecutionEnvironment env) {
        DataGeneratorSource<Long> ticks = new DataGeneratorSource<>(i -> i, Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(1000.0 / settings.intervalMs()), Types.LONG);
        return env.fromSource(ticks, WatermarkStrategy.noWatermarks(), "Kafka transactions: poll ticks")
                .uid(TICKS_UID)
                .setParallelism(1)
                .process(this)
                .uid(WATCHER_UID)
                .name("Kafka transactions at the broker")
                .setParallelism(1);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        reportedState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("reported-hanging", Types.STRING));
        restored = new ArrayList<>();
        for (String key : reportedState.get()) {
            restored.add(key);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        reportedState.update(broker == null ? restored : broker.reported());
    }

    @Override
    public void open(OpenContext openContext) {
        Properties props = new Properties();
        props.putAll(adminProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "txinsight-kafka-transactions");
        int timeoutMs = (int) TransactionsAtTheBroker.CALL_TIMEOUT.toMillis();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        admin = Admin.create(props);
        CollectorMetrics metrics =
                new CollectorMetrics(getRuntimeContext().getMetricGroup(), topicPattern == null ? topics : List.of());
        broker = new TransactionsAtTheBroker(admin, bootstrapServers, topics, topicPattern, monitorGroupId,
                committedGroupId, settings, metrics, restored == null ? List.of() : restored);
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void processElement(Long tick, Context ctx, Collector<KafkaTransactionHanging> out) {
        broker.poll(System.currentTimeMillis()).forEach(out::collect);
    }
}

