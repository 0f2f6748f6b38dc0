package io.txinsight.replayer.bench;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.TxnFate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code --speed max} throughput of the replayer next to Kafka's own producer performance tool
 * ({@code org.apache.kafka.tools.ProducerPerformance}), same broker, same record count and value
 * size, same run. Each contender runs in its own JVM with the same flags; the broker runs in this
 * one. Run through {@code bench/replayer-throughput.sh}.
 */
public final class ThroughputBench {

    private static final Pattern PP_RATE = Pattern.compile("records sent, ([\\d.]+) records/sec");
    private static final Pattern REPLAY_RATE = Pattern.compile("rate: ([\\d,]+) records/s");
    private static final Pattern REPLAY_VALIDATION = Pattern.compile("validation pass before it: ([\\d.]+) s");

    public static void main(String[] args) throws Exception {
        int records = 500_000;
        int recordSize = 200;
        int txnMs = 100;
        int repeat = 2;
        String modes = "plain,transactional";
        List<String> replayExtra = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[i + 1]);
                case "--record-size" -> recordSize = Integer.parseInt(args[i + 1]);
                case "--txn-ms" -> txnMs = Integer.parseInt(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                case "--modes" -> modes = args[i + 1];
                case "--replay-arg" -> replayExtra.add(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --records N --record-size BYTES --txn-ms N --repeat N --modes plain,transactional --replay-arg ARG (repeatable)");
            }
        }
        String testCp = BenchProcess.require("bench.testClasspath");
        String replayCp = BenchProcess.require("bench.replayClasspath");
        Path work = Files.createTempDirectory("replayer-bench-");
        List<String> report = new ArrayList<>();
        System.out.printf(Locale.ROOT, "replayer throughput bench: %,d records of %d bytes, best of %d runs each, modes %s%n",
                records, recordSize, repeat, modes);
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            for (String mode : modes.split(",")) {
                boolean txn = mode.equals("transactional");
                Path scenario = work.resolve(mode + ".jsonl");
                System.out.printf(Locale.ROOT, "%n== %s: %s%n", mode, txn
                        ? "both transactional, one producer each; ProducerPerformance commits every " + txnMs
                                + " ms, and the replayer's scenario puts as many records in each transaction as"
                                + " ProducerPerformance managed in that time"
                        : "both without transactions (idempotent producer, acks=all), one producer each");
                if (!txn) {
                    writeScenario(scenario, records, recordSize, 0);
                }
                double bestPp = 0;
                double bestReplay = 0;
                double bestReplayWithValidation = 0;
                List<Double> ratios = new ArrayList<>();
                for (int run = 1; run <= repeat; run++) {
                    String ppTopic = "pp-" + mode + "-" + run;
                    String rpTopic = "rp-" + mode + "-" + run;
                    kafka.createTopic(ppTopic, 1);
                    kafka.createTopic(rpTopic, 1);

                    List<String> ppArgs = new ArrayList<>(List.of("--topic", ppTopic, "--num-records", String.valueOf(records),
                            "--record-size", String.valueOf(recordSize), "--throughput", "-1",
                            "--producer-props", "bootstrap.servers=" + kafka.bootstrapServers(), "acks=all", "enable.idempotence=true"));
                    if (txn) {
                        ppArgs.addAll(List.of("--transactional-id", "bench-pp-" + mode + "-" + run,
                                "--transaction-duration-ms", String.valueOf(txnMs)));
                    }
                    BenchProcess.Result pp = BenchProcess.run(testCp, "org.apache.kafka.tools.ProducerPerformance", ppArgs);
                    double ppRate = pp.number(PP_RATE, "ProducerPerformance rate");
                    if (txn) {
                        int perTxn = (int) Math.max(1, Math.round(ppRate * txnMs / 1000));
                        writeScenario(scenario, records, recordSize, perTxn);
                        System.out.printf(Locale.ROOT, "  run %d: %,d records per transaction on both sides%n", run, perTxn);
                    }

                    List<String> rpArgs = new ArrayList<>(List.of("--file", scenario.toString(), "--bootstrap-servers",
                            kafka.bootstrapServers(), "--speed", "max", "--no-progress", "--topic-map", "bench=" + rpTopic,
                            "--transactional-id-prefix", "bench-rp-" + mode + "-" + run));
                    rpArgs.addAll(replayExtra);
                    BenchProcess.Result rp = BenchProcess.run(replayCp, "io.txinsight.replayer.ReplayCli", rpArgs);
                    double rpRate = rp.number(REPLAY_RATE, "replay rate");
                    double validation = rp.number(REPLAY_VALIDATION, "validation time");
                    double rpWithValidation = records / (records / rpRate + validation);

                    System.out.printf(Locale.ROOT, "run %d: ProducerPerformance %,.0f rec/s | replayer %,.0f rec/s publishing"
                            + " (%,.0f rec/s counting its %.2f s validation pass) | ratio %.2f | load average %s%n",
                            run, ppRate, rpRate, rpWithValidation, validation, rpRate / ppRate, BenchProcess.loadAverage());
                    if (run == 1) {
                        System.out.println("  ProducerPerformance: " + BenchProcess.display(pp.command()));
                        System.out.println("  replayer:            " + BenchProcess.display(rp.command()));
                    }
                    ratios.add(rpRate / ppRate);
                    bestPp = Math.max(bestPp, ppRate);
                    bestReplay = Math.max(bestReplay, rpRate);
                    bestReplayWithValidation = Math.max(bestReplayWithValidation, rpWithValidation);
                }
                ratios.sort(null);
                double median = ratios.get(ratios.size() / 2);
                String line = String.format(Locale.ROOT,
                        "%-13s ProducerPerformance %,9.0f rec/s  replayer %,9.0f rec/s  ratio of bests %.2f, median of runs %.2f"
                                + " (goal >= 0.70: %s); counting the validation pass %,9.0f rec/s, ratio %.2f",
                        mode, bestPp, bestReplay, bestReplay / bestPp, median,
                        Math.min(median, bestReplay / bestPp) >= 0.7 ? "met" : "NOT met",
                        bestReplayWithValidation, bestReplayWithValidation / bestPp);
                report.add(line);
            }
        } finally {
            try (var files = Files.list(work)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(work);
        }
        System.out.printf(Locale.ROOT, "%n== result (%d runs each, %,d records x %d bytes, embedded single-node broker,"
                + " 1-partition topics, %d cores, load average %s)%n", repeat, records, recordSize,
                Runtime.getRuntime().availableProcessors(), BenchProcess.loadAverage());
        report.forEach(System.out::println);
    }

    private static void writeScenario(Path file, int records, int recordSize, int txnRecords) throws Exception {
        try (BenchScenario s = new BenchScenario(file, recordSize)) {
            for (int i = 0; i < records; i++) {
                long atMs = i / 100; // 100 records per scenario ms; irrelevant at --speed max
                KafkaTxn txn = null;
                if (txnRecords > 0) {
                    long seq = i / txnRecords;
                    long last = Math.min(records - 1L, (seq + 1) * txnRecords - 1);
                    txn = new KafkaTxn("p1", seq, TxnFate.COMMIT, last / 100);
                }
                s.add(atMs, "bench", String.format("t-%07d", i), i, txn);
            }
        }
    }
}
