package io.txinsight.simulator.cli;

import io.txinsight.events.KafkaAccessCheck;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.simulator.EventsFileWriter;
import io.txinsight.simulator.Scenario;
import io.txinsight.simulator.SimulationParams;
import io.txinsight.simulator.Workload;
import io.txinsight.simulator.publish.PublishReport;
import io.txinsight.simulator.publish.TransactionalPublisher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Locale;

/** What stream and batch mode share: publish a workload, optionally keep a copy, print the figures. */
final class PublishRun {

    private PublishRun() {}

    static int run(SimulationParams params, KafkaOptions kafka, boolean paced, PrintWriter out)
            throws IOException, InterruptedException {
        try {
            KafkaAccessCheck.check(kafka.bootstrapServers, kafka.kafkaProperties, KafkaAccessCheck.DEFAULT_TIMEOUT,
                    key -> "-X " + key);
        } catch (KafkaAccessCheck.AccessDeniedException e) {
            // Reported like any impossible option: the message names the one to fix.
            throw new IllegalArgumentException(e.getMessage() + " Nothing was published.");
        }
        Workload workload = new Workload(params);
        TransactionalPublisher publisher = new TransactionalPublisher(new TransactionalPublisher.Settings(
                kafka.bootstrapServers, kafka.transactionalIdPrefix, kafka.kafkaProperties, paced));
        long expected = workload.expectedTransactions();
        TransactionalPublisher.Result result;
        EventsFileWriter copy = null;
        if (kafka.out != null) {
            Files.createDirectories(Scenario.truthFileIn(kafka.out).getParent());
            copy = new EventsFileWriter(Scenario.eventsFileIn(kafka.out), new ScenarioCodec());
        }
        try (Progress progress = Progress.of(paced ? "stream" : "batch", expected, !kafka.quiet)) {
            result = publisher.publish(workload, copy, progress);
        } finally {
            if (copy != null) {
                copy.close();
            }
        }
        if (kafka.out != null) {
            result.truth().write(Scenario.truthFileIn(kafka.out));
        }
        PublishReport r = result.report();
        double target = params.count() > 0 && params.durationMs() > 0
                ? params.expectedRecordsPerTransaction() * params.count() * 1000.0 / params.durationMs()
                : params.expectedRecordsPerTransaction() * params.rate();
        out.printf(Locale.ROOT, "Published %,d records (%,d transactions) to %s in %.1f s%n",
                r.records(), result.truth().summary().transactions(), params.topic(), r.elapsedMs() / 1000.0);
        if (paced) {
            // Two questions: did the model produce the target rate while arrivals lasted, and did the
            // publisher keep to the model's schedule (which ends with transactions still finishing)?
            out.printf(Locale.ROOT, "  target %,.0f records/s; generated %,.0f records/s over %.1f s of arrivals%n",
                    target, r.records() * 1000.0 / params.spanMs(), params.spanMs() / 1000.0);
            out.printf(Locale.ROOT, "  rate: achieved %,.0f records/s from first to last send, %.1f%% of the schedule's"
                            + " %,.0f/s; latest record %d ms behind schedule%n",
                    r.recordsPerSecond(), 100 * r.recordsPerSecond() / r.scheduledPerSecond(), r.scheduledPerSecond(),
                    r.maxBehindMs());
        } else {
            out.printf(Locale.ROOT, "  rate: %,.0f records/s (as fast as possible)%n", r.recordsPerSecond());
        }
        out.printf(Locale.ROOT, "  Kafka transactions: %,d committed, %,d aborted (hangs included)%n",
                r.committedTxns(), r.abortedTxns());
        if (kafka.out != null) {
            out.println("  wrote " + Scenario.eventsFileIn(kafka.out) + " and " + Scenario.truthFileIn(kafka.out));
        }
        out.flush();
        return 0;
    }
}
