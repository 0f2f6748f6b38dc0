package io.txinsight.simulator.bench;

import com.sun.management.OperatingSystemMXBean;
import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.events.Truth;
import io.txinsight.simulator.Presets;
import io.txinsight.simulator.Scenario;
import io.txinsight.simulator.SimulationParams;
import io.txinsight.simulator.Simulator;
import io.txinsight.simulator.Workload;
import io.txinsight.simulator.publish.PublishReport;
import io.txinsight.simulator.publish.TransactionalPublisher;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints (1) file-mode generation throughput, after warm-up, in records per second of wall-clock
 * and of CPU time, and (2) stream-mode achieved versus target rate against an embedded broker,
 * plus batch mode's as-fast-as-possible rate. Run by bench/simulator-throughput.sh.
 *
 * <p>Arguments (all optional): {@code runs=5 transactions=200000 streamSeconds=10
 * streamRates=2000,10000,20000 batchTransactions=50000 out=bench/out/simulator}.
 */
public final class SimulatorThroughputBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new java.util.HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are key=value, got '" + a + "'");
            }
            opts.put(a.substring(0, eq), a.substring(eq + 1));
        }
        int runs = Integer.parseInt(opts.getOrDefault("runs", "5"));
        long transactions = Long.parseLong(opts.getOrDefault("transactions", "200000"));
        int streamSeconds = Integer.parseInt(opts.getOrDefault("streamSeconds", "10"));
        long batchTransactions = Long.parseLong(opts.getOrDefault("batchTransactions", "50000"));
        Path out = Path.of(opts.getOrDefault("out", "bench/out/simulator"));
        Files.createDirectories(out);

        System.out.printf(Locale.ROOT, "machine: %d cores, load average %s, java %s, max heap %d MB%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        fileMode(runs, transactions, out);
        if (!opts.getOrDefault("streamRates", "2000,10000,20000").isEmpty()) {
            streamMode(opts.getOrDefault("streamRates", "2000,10000,20000"), streamSeconds, batchTransactions);
        }
    }

    private static void fileMode(int runs, long transactions, Path out) throws Exception {
        // The high-throughput preset's model (light trouble), scaled: same rate, more transactions.
        SimulationParams params = Presets.named("high_throughput").toBuilder()
                .count(transactions).durationMs(transactions * 30_000 / 50_000).build();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "%nfile mode: %,d transactions (high_throughput model), %d warm-up + %d measured runs%n",
                transactions, 2, runs);
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        long records = 0;
        long bytes = 0;
        for (int i = -2; i < runs; i++) {
            long t0 = System.nanoTime();
            long c0 = os.getProcessCpuTime();
            Scenario s = Simulator.generate(params, out.resolve("file-mode"));
            long t1 = System.nanoTime();
            long c1 = os.getProcessCpuTime();
            Truth.Summary sum = s.truth().summary();
            records = sum.events() + sum.malformed();
            bytes = Files.size(s.eventsFile());
            double perSecond = records / ((t1 - t0) / 1e9);
            double perCpuSecond = records / ((c1 - c0) / 1e9);
            System.out.printf(Locale.ROOT, "  %s %d: %,d records in %,d ms = %,.0f records/s (%,.0f per CPU-second)%n",
                    i < 0 ? "warm-up" : "run", i < 0 ? i + 3 : i + 1, records, (t1 - t0) / 1_000_000,
                    perSecond, perCpuSecond);
            if (i >= 0) {
                wall.add(perSecond);
                cpu.add(perCpuSecond);
            }
        }
        // Half a gigabyte per run is not worth keeping.
        Files.deleteIfExists(Scenario.eventsFileIn(out.resolve("file-mode")));
        System.out.printf(Locale.ROOT, "FILE MODE: median %,.0f records/s, best %,.0f records/s (goal >= 500,000);"
                        + " median %,.0f records per CPU-second; %,d records = %.0f MB per run%n",
                median(wall), wall.stream().mapToDouble(d -> d).max().orElse(0), median(cpu), records, bytes / 1e6);
    }

    private static void streamMode(String rates, int seconds, long batchTransactions) throws Exception {
        System.out.printf(Locale.ROOT, "%nstream mode: embedded single-node Kafka, topic with 6 partitions, %d s per target%n",
                seconds);
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            int run = 0;
            for (String rate : rates.split(",")) {
                double target = Double.parseDouble(rate.trim());
                String topic = "bench-stream-" + (++run);
                kafka.createTopic(topic, 6);
                SimulationParams base = Presets.named("high_throughput").toBuilder()
                        .topic(topic).startEpochMs(System.currentTimeMillis()).build();
                double txnRate = target / base.expectedRecordsPerTransaction();
                SimulationParams params = fitted(base.toBuilder().count(0).durationMs(seconds * 1000L).rate(txnRate));
                PublishReport r = publish(kafka, params, "bench-stream-" + run + "-", true);
                System.out.printf(Locale.ROOT, "  target %,7.0f records/s: generated %,7.0f/s while arrivals lasted;"
                                + " achieved %,7.0f/s from first to last send = %5.1f%% of the schedule's %,.0f/s;"
                                + " latest record %,d ms behind schedule; %,d records, %,d Kafka txns committed, %,d aborted%n",
                        target, r.records() * 1000.0 / params.spanMs(), r.recordsPerSecond(),
                        100 * r.recordsPerSecond() / r.scheduledPerSecond(), r.scheduledPerSecond(),
                        r.maxBehindMs(), r.records(), r.committedTxns(), r.abortedTxns());
            }
            kafka.createTopic("bench-batch", 6);
            SimulationParams batch = fitted(Presets.named("high_throughput").toBuilder()
                    .topic("bench-batch").count(batchTransactions).durationMs(batchTransactions * 30_000 / 50_000)
                    .startEpochMs(System.currentTimeMillis()));
            PublishReport r = publish(kafka, batch, "bench-batch-", false);
            System.out.printf(Locale.ROOT, "BATCH MODE: %,d records (%,d Kafka txns) as fast as possible: %,.0f records/s%n",
                    r.records(), r.committedTxns() + r.abortedTxns(), r.recordsPerSecond());
        }
    }

    private static PublishReport publish(EmbeddedKafkaBroker kafka, SimulationParams params, String idPrefix, boolean paced)
            throws Exception {
        TransactionalPublisher publisher = new TransactionalPublisher(
                new TransactionalPublisher.Settings(kafka.bootstrapServers(), idPrefix, Map.of(), paced));
        return publisher.publish(new Workload(params), null, null).report();
    }

    /** Short runs have no room for the aborts' committed tail; they go without aborts. */
    private static SimulationParams fitted(SimulationParams.Builder b) {
        SimulationParams p = b.build();
        return p.problems().isEmpty() ? p : b.abortShare(0).build().validate();
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(d -> d).sorted().toArray();
        return v.length == 0 ? 0 : v[v.length / 2];
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).trim().split(" "), 3));
        } catch (Exception e) {
            return "n/a";
        }
    }
}
