package io.txinsight.replayer.bench;

import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioReader;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.TxnFate;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Timing fidelity at 1x: a realistic scenario (several producers, short interleaved Kafka
 * transactions, some aborted, one long hang, some records without a transaction) at about 2,000
 * events/s (or any events.jsonl given with {@code --file}), replayed by the command line in its own JVM against a broker in this one. Reports how
 * late each record was published against its schedule, measured two ways:
 *
 * <ul>
 *   <li>by the replayer itself: when it handed each record to the Kafka producer vs when it was due
 *       (nanosecond clock);
 *   <li>from Kafka: each record's CreateTime (stamped by the producer in send(), millisecond
 *       resolution) vs schedule start + at_ms, read back with a consumer.
 * </ul>
 *
 * Run through {@code bench/replayer-timing.sh}.
 */
public final class TimingBench {

    private static final Pattern START = Pattern.compile("schedule start: \\S+ \\(epoch ms (\\d+)\\)");
    private static final Pattern ACK = Pattern.compile("acknowledged by Kafka: p50 ([\\d.]+) ms, p99 ([\\d.]+) ms");
    private static final Pattern P99 = Pattern.compile("behind schedule: p50 ([\\d.]+) ms, p99 ([\\d.]+) ms, max ([\\d.]+) ms");

    public static void main(String[] args) throws Exception {
        int rate = 2000;
        // A minute: long enough that the replayer's own start-up (the first second of a fresh
        // JVM, records queueing behind code still being loaded) weighs in the p99 as it does in a
        // real replay, not as a twentieth of the run. The whole run is measured, that second too.
        int seconds = 60;
        int producers = 4;
        long seed = 42;
        Path file = null;
        double plainShare = 0.1;
        long warmupMs = -1;
        String bootstrap = null;
        List<String> replayExtra = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--producers" -> producers = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--file" -> file = Path.of(args[i + 1]);
                case "--plain-share" -> plainShare = Double.parseDouble(args[i + 1]);
                case "--warmup-ms" -> warmupMs = Long.parseLong(args[i + 1]);
                case "--bootstrap-servers" -> bootstrap = args[i + 1];
                case "--replay-arg" -> replayExtra.add(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --rate EVENTS_PER_S --seconds N --producers N --seed N --plain-share 0.1 | --file events.jsonl; --warmup-ms MS (default: the whole scenario) --bootstrap-servers HOST:PORT (default: an embedded broker)"
                        + " --replay-arg ARG (repeatable)");
            }
        }
        String replayCp = BenchProcess.require("bench.replayClasspath");
        Path work = Files.createTempDirectory("replayer-timing-");
        Path scenario = file != null ? file : work.resolve("events.jsonl");
        if (file == null) {
            writeScenario(scenario, rate, seconds, producers, seed, plainShare);
            System.out.printf(Locale.ROOT, "replayer timing bench: about %,d events/s for %d s, %d transactional producers"
                    + " (100 ms transactions, 5%% aborted, one 8 s hang) + %.0f%% without a transaction, seed %d%n",
                    rate, seconds, producers, plainShare * 100, seed);
        } else {
            System.out.println("replayer timing bench: " + file);
        }
        DueTimes due = DueTimes.of(scenario);
        System.out.printf(Locale.ROOT, "scenario: %,d records over %.1f s (%,.0f events/s), topics %s%n",
                due.records, due.spanMs / 1000.0, due.records * 1000.0 / Math.max(1, due.spanMs), due.topics);
        if (warmupMs < 0) {
            warmupMs = due.spanMs + 1;
        }
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        try (BenchKafka kafka = BenchKafka.start(bootstrap)) {
            for (String topic : due.topics) {
                kafka.createTopic("timing-" + run + "." + topic, 3);
                kafka.createTopic("warmup-" + run + "." + topic, 3);
            }
            // A broker that just started runs its produce and transaction code cold (interpreted,
            // then compiled) for a while; a production broker is warm. Warm it, not the measured
            // replayer JVM, by replaying the scenario once into other topics first.
            long warmupRecords = Math.min(due.records, Math.max(1, due.recordsBefore(warmupMs)));
            BenchProcess.Result warm = BenchProcess.run(replayCp, "io.txinsight.replayer.ReplayCli", List.of(
                    "--file", scenario.toString(), "--bootstrap-servers", kafka.bootstrapServers(), "--speed", "1",
                    "--no-progress", "--topic-prefix", "warmup-" + run + ".", "--to", String.valueOf(warmupRecords)));
            System.out.printf(Locale.ROOT, "broker warm-up (%s): the first %,d records (%.1f s) into warmup-%s.* topics, not measured%n",
                    kafka.describe(), warmupRecords, Math.min(warmupMs, due.spanMs) / 1000.0, run);
            List<String> rpArgs = new ArrayList<>(List.of("--file", scenario.toString(), "--bootstrap-servers",
                    kafka.bootstrapServers(), "--speed", "1", "--no-progress", "--topic-prefix", "timing-" + run + "."));
            rpArgs.addAll(replayExtra);
            String loadBefore = BenchProcess.loadAverage();
            BenchProcess.Result rp = BenchProcess.run(replayCp, "io.txinsight.replayer.ReplayCli", rpArgs);
            String loadAfter = BenchProcess.loadAverage();
            System.out.println("replayer: " + BenchProcess.display(rp.command()));
            System.out.print(rp.stdout().lines().map(l -> "  | " + l + System.lineSeparator()).reduce("", String::concat));
            long startEpochMs = (long) rp.number(START, "schedule start");
            var m = P99.matcher(rp.stdout());
            if (!m.find()) {
                throw new IllegalStateException("no lag figures in the replayer's summary");
            }
            double internalP50 = Double.parseDouble(m.group(1));
            double internalP99 = Double.parseDouble(m.group(2));
            double internalMax = Double.parseDouble(m.group(3));

            Histogram external = new Histogram(3_600_000, 3);
            long count = 0;
            for (String topic : due.topics) {
                count += readBack(kafka.bootstrapServers(), "timing-" + run + "." + topic, topic, due, startEpochMs, external);
            }
            if (count != due.keyed) {
                throw new IllegalStateException("read back " + count + " keyed records, expected " + due.keyed);
            }
            System.out.printf(Locale.ROOT, "%n== result (%,d events at %,.0f/s over %.1f s, 1x, replayer in its own JVM,"
                    + " %s, %d cores, load average %s before / %s after)%n",
                    due.records, due.records * 1000.0 / Math.max(1, due.spanMs), due.spanMs / 1000.0, kafka.describe(),
                    Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
            System.out.printf(Locale.ROOT, "handed to the producer vs due (replayer, ns clock): p50 %.2f ms  p99 %.2f ms  max %.2f ms"
                    + "  (goal p99 <= 5 ms: %s)%n", internalP50, internalP99, internalMax, internalP99 <= 5 ? "met" : "NOT met");
            System.out.printf(Locale.ROOT, "|CreateTime - due| (read back from Kafka, ms clock, +-1 ms): p50 %d ms  p99 %d ms  max %d ms"
                    + "  (goal p99 <= 5 ms: %s)%n",
                    external.getValueAtPercentile(50), external.getValueAtPercentile(99), external.getMaxValue(),
                    external.getValueAtPercentile(99) <= 5 ? "met" : "NOT met");
            var ack = ACK.matcher(rp.stdout());
            if (ack.find()) {
                // Not the goal's measure: when the broker confirmed each record, so linger.ms and the
                // produce round trip on top of the hand-over. Printed so the trade-off stays visible.
                System.out.printf(Locale.ROOT, "acknowledged by Kafka vs due (replayer, ns clock; linger.ms and the round trip on top):"
                        + " p50 %s ms  p99 %s ms%n", ack.group(1), ack.group(2));
            }
            StringBuilder worst = new StringBuilder();
            due.worstBySecond.entrySet().stream()
                    .sorted(Map.Entry.<Long, Long>comparingByValue().reversed()).limit(5)
                    .forEach(e -> worst.append(String.format(Locale.ROOT, " second %d: %d ms;", e.getKey(), e.getValue())));
            System.out.println("worst seconds of the scenario (max |CreateTime - due|):" + worst);
        } finally {
            if (file == null) {
                Files.deleteIfExists(scenario);
            }
            Files.deleteIfExists(work);
        }
    }

    /**
     * Poisson arrivals at {@code rate}/s. Each producer runs back-to-back 30 ms Kafka transactions;
     * a record joins its producer's current one.
     */
    private static void writeScenario(Path file, int rate, int seconds, int producers, long seed, double plainShare)
            throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        int n = 0;
        double t = 0;
        long window = 100;
        long hangStart = seconds * 1000L / 4;
        try (BenchScenario s = new BenchScenario(file, 0)) {
            while (true) {
                t += -Math.log(1 - random.nextDouble()) * 1000.0 / rate;
                long ms = (long) t;
                if (ms >= seconds * 1000L) {
                    break;
                }
                String key = String.format("txn-%06d", random.nextInt(rate * 2));
                KafkaTxn txn = null;
                boolean plain = random.nextDouble() < plainShare;
                if (plain) {
                    txn = null;
                } else if (ms >= hangStart && ms < hangStart + 3 && random.nextInt(4) == 0) {
                    // The hanging producer writes a few records, then holds its transaction for 8 s.
                    txn = new KafkaTxn("stuck", 0, TxnFate.HANG, hangStart + 3 + 8000);
                } else {
                    int p = random.nextInt(producers);
                    // Producers' windows are staggered so their commits interleave.
                    long offset = p * window / producers;
                    long seq = (ms + window - offset) / window;
                    long end = seq * window + offset;
                    // 5% of transactions abort, decided per transaction (hash of producer and seq).
                    boolean abort = Math.floorMod((seq * 31 + p) * 0x9E3779B97F4A7C15L, 100) < 5;
                    txn = new KafkaTxn("svc-" + p, seq, abort ? TxnFate.ABORT : TxnFate.COMMIT, end);
                }
                s.add(ms, "txn-events", key, n++, txn);
            }
        }
    }

    /**
     * When each record is due, by topic and key in file order: a key's records keep their order on
     * its partition, so the i-th record read back for a key is the key's i-th record in the file.
     */
    static final class DueTimes {
        final Map<String, long[]> byKey = new HashMap<>();
        final Map<String, Integer> sizes = new HashMap<>();
        final Map<String, Integer> cursor = new HashMap<>();
        final Set<String> topics = new LinkedHashSet<>();
        final Map<Long, Long> worstBySecond = new java.util.TreeMap<>();
        /** Start of each 100 ms of scenario time that has records -> records before it. */
        final java.util.TreeMap<Long, Long> positionsBefore = new java.util.TreeMap<>();
        long records;
        long keyed;
        long spanMs;

        static DueTimes of(Path file) throws Exception {
            DueTimes d = new DueTimes();
            try (ScenarioReader reader = new ScenarioReader(file, new ScenarioCodec())) {
                ScenarioRecord r;
                while ((r = reader.next()) != null) {
                    d.positionsBefore.putIfAbsent(r.atMs() / 100 * 100, d.records);
                    d.records++;
                    d.spanMs = r.atMs();
                    d.topics.add(r.topic());
                    if (r.key() == null) {
                        continue;
                    }
                    d.keyed++;
                    String k = r.topic() + "\u0000" + r.key();
                    int size = d.sizes.getOrDefault(k, 0);
                    long[] at = d.byKey.get(k);
                    if (at == null || at.length == size) {
                        at = at == null ? new long[4] : Arrays.copyOf(at, size * 2);
                        d.byKey.put(k, at);
                    }
                    at[size] = r.atMs();
                    d.sizes.put(k, size + 1);
                }
            }
            return d;
        }

        /** Records due before scenario time {@code ms}. */
        long recordsBefore(long ms) {
            var next = positionsBefore.ceilingEntry(ms);
            return next == null ? records : next.getValue();
        }

        long next(String topic, String key) {
            String k = topic + "\u0000" + key;
            int i = cursor.getOrDefault(k, 0);
            cursor.put(k, i + 1);
            return byKey.get(k)[i];
        }
    }

    /** Reads every record of the replayed topic (read_uncommitted) and records |CreateTime - due| in ms. */
    private static long readBack(String bootstrap, String replayed, String topic, DueTimes due, long startEpochMs,
            Histogram into) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(replayed, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(replayed, i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            var end = consumer.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() == null) {
                        continue;
                    }
                    long atMs = due.next(topic, new String(r.key(), StandardCharsets.UTF_8));
                    long late = Math.min(Math.abs(r.timestamp() - (startEpochMs + atMs)), 3_600_000);
                    into.recordValue(late);
                    due.worstBySecond.merge(atMs / 1000, late, Math::max);
                    count++;
                }
            }
        }
        return count;
    }
}
