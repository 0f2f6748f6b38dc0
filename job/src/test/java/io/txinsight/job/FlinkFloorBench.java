package io.txinsight.job;

import io.txinsight.events.EventCodec;
import io.txinsight.events.EventTime;
import io.txinsight.events.OpenAttributes;
import io.txinsight.events.Outcome;
import io.txinsight.job.metrics.FlinkTrackerMetrics;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import io.txinsight.job.sources.KafkaViews;
import io.txinsight.job.sources.StartingOffsets;
import io.txinsight.job.sources.ViewRouter;
import io.txinsight.job.sources.ViewWatermarks;
import io.txinsight.job.tracker.TransactionTracker;
import io.txinsight.job.velocity.VelocityDetector;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.co.CoProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The floor under the job's catch-up (bench/job-vs-peers.sh runs it): how fast Flink itself, on
 * this machine, in the same local runtime the job uses, reads the topic in both views when the
 * program does nothing else, and then with the job's parts added one by one. Not a test, and not
 * the job: a reference, so the job's figure can be read against what no code of ours could beat,
 * and each part's cost seen.
 *
 * <p>Shapes (one per run):
 * <ul>
 *   <li>{@code chained}: each view's source counts its records in a chained operator. No shuffle;
 *       the most a Flink job reading both views can do.
 *   <li>{@code chained-decode}: the same with every record decoded by the job's {@link EventCodec}.
 *   <li>{@code chained-scan}: the same with the four fields the tracker needs found by a bare scan
 *       of the bytes ({@link Decoding#SCAN}): what a far cheaper decoder could cost at best.
 *   <li>{@code chained-hybrid}: the monitor view decoded by the job's {@link EventCodec} (the
 *       contract's checks, once per record), the committed view only scanned: the cheapest a job
 *       could decode that still checks every record, with nothing else to do.
 *   <li>{@code keyby}: both views keyed by the record's key (the producer's txn_id) and connected,
 *       as the tracker is, into a function that only counts. The shape of the job without its work.
 *   <li>{@code keyby-decode}: the same with every record decoded by the job's {@link EventCodec}.
 *   <li>{@code views}: the job's own sources, deserializers and routers, keyed by txn_id into a
 *       function that only counts: the job up to its tracker, with none of the work after it.
 *   <li>{@code tracker}: the same views into the job's {@link TransactionTracker} (no rollback
 *       probe), its outcomes and alerts discarded; counted before the {@code keyBy}, as the job
 *       counts its events.
 *   <li>{@code tracker-velocity}: the same with the {@link VelocityDetector} on the monitor view.
 *       What the job adds to it: the active accounts, the Kafka sinks and their checkpoints.
 * </ul>
 *
 * <p>Timed as the job is: from the first record read until both views have counted every record
 * after the last operator; CPU is this JVM's over the same span. Checkpoints as the job's default
 * (aligned, exactly-once, every {@code checkpointMs}).
 *
 * <pre>FlinkFloorBench bootstrap topic recordsPerView parallelism shape checkpointMs workDir</pre>
 * (Flink's checkpoints and temporary files go under {@code workDir}; the caller removes it)
 * prints one line: {@code floor: events/s seconds cpuSeconds} (Flink may still log after it).
 */
public final class FlinkFloorBench {

    private static final AtomicLong FIRST_NANOS = new AtomicLong();
    private static final AtomicLong FIRST_CPU_NANOS = new AtomicLong();
    private static final AtomicLong COUNTED = new AtomicLong();
    private static final AtomicLong LAST_NANOS = new AtomicLong();
    private static final AtomicLong LAST_CPU_NANOS = new AtomicLong();
    private static volatile long expected;

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        long recordsPerView = Long.parseLong(args[2]);
        int parallelism = Integer.parseInt(args[3]);
        String shape = args[4];
        long checkpointMs = Long.parseLong(args[5]);
        expected = 2 * recordsPerView;

        Path work = Files.createDirectories(Path.of(args[6]));
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.dir", work.resolve("checkpoints").toUri().toString());
        conf.setString("io.tmp.dirs", work.resolve("tmp").toString());
        conf.setString("taskmanager.numberOfTaskSlots", String.valueOf(parallelism));
        // A floor that fails must end the bench, not restart forever (checkpointing's default).
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        env.enableCheckpointing(checkpointMs, CheckpointingMode.EXACTLY_ONCE);
        env.getConfig().enableObjectReuse();

        // Raw views (the record key only) for the shapes that do not use the job's own sources.
        boolean jobSources = shape.equals("views") || shape.startsWith("tracker");
        DataStream<String> monitor = jobSources ? null : env.fromSource(
                source(bootstrap, topic, View.MONITOR, Decoding.of(shape, View.MONITOR)),
                WatermarkStrategy.noWatermarks(), "monitor");
        DataStream<String> committed = jobSources ? null : env.fromSource(
                source(bootstrap, topic, View.COMMITTED, Decoding.of(shape, View.COMMITTED)),
                WatermarkStrategy.noWatermarks(), "committed");
        switch (shape) {
            case "chained", "chained-decode", "chained-scan", "chained-hybrid" -> {
                monitor.filter(new Count<>()).sinkTo(new DiscardingSink<>());
                committed.filter(new Count<>()).sinkTo(new DiscardingSink<>());
            }
            case "keyby", "keyby-decode" -> monitor.keyBy(k -> k, Types.STRING)
                    .connect(committed.keyBy(k -> k, Types.STRING))
                    .process(new Counting<String>(), Types.STRING)
                    .sinkTo(new DiscardingSink<>());
            case "views", "tracker", "tracker-velocity" -> {
                // The job's own sources, deserializers and routers, keyed as the tracker keys them.
                JobConfig config = JobConfig.DEFAULTS.withBootstrapServers(bootstrap).withTopics(topic)
                        .withStartingOffsets(StartingOffsets.EARLIEST).withBoundedInput(true);
                DataStream<ViewEvent> monitorEvents = env.fromSource(
                                KafkaViews.source(config.kafkaInput(), View.MONITOR, "flink-floor-monitor-" + System.nanoTime()),
                                ViewWatermarks.monitor(config.outOfOrdernessMs(), config.idleAdvanceAfterMs()), "monitor view")
                        .process(new ViewRouter(View.MONITOR));
                DataStream<ViewEvent> committedEvents = env.fromSource(
                                KafkaViews.source(config.kafkaInput(), View.COMMITTED, "flink-floor-committed-" + System.nanoTime()),
                                ViewWatermarks.committed(), "committed view")
                        .process(new ViewRouter(View.COMMITTED));
                if (shape.equals("views")) {
                    monitorEvents.keyBy(new TransactionTracker.ByTxnId())
                            .connect(committedEvents.keyBy(new TransactionTracker.ByTxnId()))
                            .process(new Counting<ViewEvent>(), Types.STRING)
                            .sinkTo(new DiscardingSink<>());
                } else {
                    // Counted before the keyBy, where the job counts its events too; backpressure
                    // keeps the count within a few network buffers of what the tracker has processed.
                    DataStream<ViewEvent> monitorCounted = monitorEvents.filter(new Count<>());
                    SingleOutputStreamOperator<Outcome> outcomes = TransactionTracker.track(monitorCounted,
                            committedEvents.filter(new Count<>()), config.tracker(), FlinkTrackerMetrics.factory(), null);
                    outcomes.sinkTo(new DiscardingSink<>());
                    outcomes.getSideOutput(TransactionTracker.ALERTS).sinkTo(new DiscardingSink<>());
                    if (shape.equals("tracker-velocity")) {
                        VelocityDetector.detect(monitorCounted, config.velocity()).sinkTo(new DiscardingSink<>());
                    }
                }
            }
            default -> throw new IllegalArgumentException("shape: chained, chained-decode, chained-scan, chained-hybrid, keyby, keyby-decode, views, tracker or tracker-velocity, not " + shape);
        }
        env.execute("flink-floor-" + shape);
        if (COUNTED.get() != expected) {
            throw new IllegalStateException("counted " + COUNTED.get() + " records, expected " + expected);
        }
        double seconds = (LAST_NANOS.get() - FIRST_NANOS.get()) / 1e9;
        double cpu = (LAST_CPU_NANOS.get() - FIRST_CPU_NANOS.get()) / 1e9;
        System.out.printf("floor: %.0f %.2f %.1f%n", recordsPerView / seconds, seconds, cpu);
    }

    private static KafkaSource<String> source(String bootstrap, String topic, View view, Decoding decode) {
        return KafkaSource.<String>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topic)
                .setGroupId("flink-floor-" + view.label() + "-" + System.nanoTime())
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, KafkaViews.isolationLevel(view))
                .setDeserializer(new Keys(decode))
                .build();
    }

    /** What the floor does with a record's value before it passes the key on. */
    enum Decoding {
        /** Nothing. */
        NONE,
        /** The job's {@link EventCodec}, as the views decode. */
        CODEC,
        /**
         * A bare scan for the four fields the tracker needs (event_type, txn_id, ts, step) in the
         * bytes, no checks: what a decoder far cheaper than a parser per record could cost at
         * best. Not a decoder the job could use as it is (it checks nothing the contract asks).
         */
        SCAN;

        /** What the shape does with the view's records ({@code -hybrid}: checked once, in the monitor view). */
        static Decoding of(String shape, View view) {
            if (shape.endsWith("-hybrid")) {
                return view == View.MONITOR ? CODEC : SCAN;
            }
            return shape.endsWith("-decode") ? CODEC : shape.endsWith("-scan") ? SCAN : NONE;
        }
    }

    /** The record's key as a string, after decoding the value as {@link Decoding} says. */
    private static final class Keys implements KafkaRecordDeserializationSchema<String> {
        private static final long serialVersionUID = 1L;
        private static final byte[][] FIELDS = {
            field(EventCodec.EVENT_TYPE), field(EventCodec.TXN_ID), field(EventCodec.TS), field(EventCodec.STEP)
        };
        private final Decoding decoding;
        private transient EventCodec codec;
        /** What the scans found, kept so the JIT cannot drop them. */
        private long seen;

        Keys(Decoding decoding) {
            this.decoding = decoding;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<String> out) {
            switch (decoding) {
                case CODEC -> {
                    if (codec == null) {
                        codec = new EventCodec();
                    }
                    codec.decodeKeeping(OpenAttributes.NAMES, record.value());
                }
                case SCAN -> seen += scan(record.value());
                case NONE -> { }
            }
            out.collect(new String(record.key(), StandardCharsets.UTF_8));
        }

        private static byte[] field(String name) {
            return ("\"" + name + "\":").getBytes(StandardCharsets.UTF_8);
        }

        /** Each field's value as a string (ts as epoch ms), found by searching the bytes. */
        private static long scan(byte[] v) {
            long found = 0;
            for (byte[] field : FIELDS) {
                int at = indexOf(v, field);
                if (at < 0) {
                    continue;
                }
                int start = at + field.length;
                if (v[start] == '"') {
                    int end = start + 1;
                    while (end < v.length && v[end] != '"') {
                        end++;
                    }
                    String text = new String(v, start + 1, end - start - 1, StandardCharsets.UTF_8);
                    found += field == FIELDS[2] ? EventTime.parse(text) : text.hashCode();
                } else {
                    long n = 0;
                    for (int i = start; i < v.length && v[i] >= '0' && v[i] <= '9'; i++) {
                        n = n * 10 + (v[i] - '0');
                    }
                    found += n;
                }
            }
            return found;
        }

        private static int indexOf(byte[] v, byte[] what) {
            outer:
            for (int i = 0; i + what.length <= v.length; i++) {
                for (int j = 0; j < what.length; j++) {
                    if (v[i + j] != what[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    /**
     * Counts what passes, passing everything. A class, not a method reference: two references to
     * one method, on streams of different types, came back from serialization as the same lambda
     * (a ViewEvent cast to String).
     */
    private static final class Count<T> implements FilterFunction<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(T record) {
            return counted();
        }
    }

    /** Both views in, nothing out: counts them. */
    private static final class Counting<T> extends CoProcessFunction<T, T, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement1(T record, Context ctx, Collector<String> out) {
            counted();
        }

        @Override
        public void processElement2(T record, Context ctx, Collector<String> out) {
            counted();
        }
    }

    /** One more record counted (whatever it is); always true, so a filter passes everything. */
    private static boolean counted() {
        if (FIRST_NANOS.get() == 0 && FIRST_NANOS.compareAndSet(0, System.nanoTime())) {
            FIRST_CPU_NANOS.set(processCpuNanos());
        }
        if (COUNTED.incrementAndGet() == expected) {
            LAST_NANOS.set(System.nanoTime());
            LAST_CPU_NANOS.set(processCpuNanos());
        }
        return true;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
