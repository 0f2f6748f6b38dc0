package io.txinsight.validator;

import com.fasterxml.jackson.core.JsonGenerator;
import io.txinsight.events.BusinessEvent;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.Outcome;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.Truth;
import io.txinsight.events.TxnFate;
import io.txinsight.events.Verdict;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small, deterministic scenario for tests and the report benchmark: {@code events.jsonl} and
 * {@code report/truth.json} in a directory, with the shapes the real simulator produces (types,
 * steps, failures, Kafka aborts, stuck transactions, outliers, duplicates, disorder, malformed
 * records). It is not the simulator; it only has to be honest about what it wrote.
 *
 * <p>Run as a program to write one: {@code SampleScenario DIR TRANSACTIONS [SEED]}.
 */
final class SampleScenario {

    static final long T0 = 1_798_761_600_000L; // 2027-01-01T00:00:00Z
    static final String TOPIC = "business-events";

    private static final String[] TYPES = {"payment", "payment", "payment", "payment", "payment",
        "transfer", "transfer", "transfer", "order", "order"};
    private static final Map<String, String[]> STEPS = Map.of(
            "payment", new String[] {"validate", "reserve", "debit", "notify"},
            "transfer", new String[] {"validate", "debit", "credit"},
            "order", new String[] {"reserve", "pack", "ship"});

    /** What was written: the files and the truth. */
    record Written(Path dir, Path events, Truth truth, long records) {
        /** The outcomes a perfect job would write for this truth. */
        List<Outcome> perfectOutcomes() {
            List<Outcome> outcomes = new ArrayList<>();
            for (Truth.Transaction t : truth.transactions()) {
                outcomes.add(outcomeFor(t));
            }
            return outcomes;
        }
    }

    static Outcome outcomeFor(Truth.Transaction t) {
        return switch (t.verdict()) {
            case CLOSED_SUCCESS, CLOSED_FAILED -> new Outcome(t.txnId(), t.txnType(), Outcome.State.CLOSED,
                    t.verdict() == Verdict.CLOSED_FAILED ? CloseStatus.FAILED : CloseStatus.SUCCESS,
                    t.openedAtMs(), t.closedAtMs(), t.durationMs(), 40L, t.outlier(), "last", 3,
                    t.stuckAlert(), t.closedAtMs() + 100);
            case ABORTED -> new Outcome(t.txnId(), t.txnType(), Outcome.State.ABORTED, null,
                    t.openedAtMs(), null, null, null, false, "last", 3, false, t.openedAtMs() + 10_000);
            case STUCK, EXPIRED -> new Outcome(t.txnId(), t.txnType(), Outcome.State.EXPIRED, null,
                    t.openedAtMs(), null, null, null, false, "last", 2, t.verdict() == Verdict.STUCK,
                    t.openedAtMs() + 600_000);
        };
    }

    static Written write(Path dir, int transactions, long seed) throws IOException {
        Random random = new Random(seed);
        List<ScenarioRecord> records = new ArrayList<>();
        List<Truth.Transaction> truth = new ArrayList<>();
        for (int i = 0; i < transactions; i++) {
            String id = String.format("t-%06d", i);
            String type = TYPES[random.nextInt(TYPES.length)];
            long open = T0 + i * 20L + random.nextInt(10);
            double roll = random.nextDouble();
            Verdict verdict = roll < 0.05 ? Verdict.CLOSED_FAILED
                    : roll < 0.09 ? Verdict.ABORTED
                    : roll < 0.12 ? Verdict.STUCK
                    : Verdict.CLOSED_SUCCESS;
            boolean outlier = verdict != Verdict.STUCK && random.nextDouble() < 0.02;
            String[] steps = STEPS.get(type);
            int stepCount = verdict == Verdict.STUCK ? 1 + random.nextInt(steps.length - 1) : steps.length;
            int slowStep = outlier ? random.nextInt(stepCount) : -1;

            List<BusinessEvent> events = new ArrayList<>();
            events.add(BusinessEvent.open(id, open, type, Map.of("amount", 10 + random.nextInt(990))));
            long t = open + 2 + random.nextInt(8);
            for (int s = 0; s < stepCount; s++) {
                long stepMs = Math.round(Math.exp(3.2 + 0.5 * random.nextGaussian())) * (s == slowStep ? 15 : 1);
                events.add(BusinessEvent.stepOpen(id, t, steps[s]));
                events.add(BusinessEvent.stepDone(id, t + stepMs, steps[s]));
                t += stepMs + 3 + random.nextInt(15);
            }
            Long closedAt = null;
            if (verdict != Verdict.STUCK) {
                closedAt = t;
                events.add(BusinessEvent.close(id, t,
                        verdict == Verdict.CLOSED_FAILED ? CloseStatus.FAILED : CloseStatus.SUCCESS));
            }
            int duplicates = random.nextDouble() < 0.02 ? 1 : 0;
            if (duplicates > 0) {
                events.add(events.get(random.nextInt(events.size())));
            }
            for (int e = 0; e < events.size(); e++) {
                BusinessEvent event = events.get(e);
                // Publishing lags event time by a little, differently per event: mild disorder.
                long atMs = event.ts() - T0 + random.nextInt(25);
                boolean abortedClose = verdict == Verdict.ABORTED
                        && event.eventType() == EventType.TRANSACTION_CLOSE;
                KafkaTxn txn = abortedClose ? new KafkaTxn("producer-1", 0, TxnFate.ABORT, atMs + 5) : null;
                records.add(new ScenarioRecord(atMs, TOPIC, id, event, null, txn));
            }
            if (random.nextDouble() < 0.005) {
                records.add(new ScenarioRecord(open - T0, TOPIC, id, null, "{\"event_type\": \"transaction_open\"", null));
            }
            truth.add(new Truth.Transaction(id, type, verdict, open, closedAt,
                    closedAt == null ? null : closedAt - open, outlier, verdict == Verdict.STUCK, duplicates));
        }
        records.sort(Comparator.comparingLong(ScenarioRecord::atMs));
        // Sequence numbers of the one transactional producer follow publishing order.
        long seq = 0;
        for (int r = 0; r < records.size(); r++) {
            ScenarioRecord rec = records.get(r);
            if (rec.txn() != null) {
                records.set(r, new ScenarioRecord(rec.atMs(), rec.topic(), rec.key(), rec.event(), rec.raw(),
                        new KafkaTxn(rec.txn().producer(), seq++, rec.txn().fate(), rec.txn().endMs())));
            }
        }

        Files.createDirectories(dir.resolve("report"));
        Path events = dir.resolve("events.jsonl");
        ScenarioCodec codec = new ScenarioCodec();
        try (Writer out = Files.newBufferedWriter(events, StandardCharsets.UTF_8);
                JsonGenerator gen = codec.lineWriter(out)) {
            for (ScenarioRecord r : records) {
                codec.write(r, gen);
            }
        }
        Map<Verdict, Long> byVerdict = new LinkedHashMap<>();
        truth.forEach(tx -> byVerdict.merge(tx.verdict(), 1L, Long::sum));
        Truth written = new Truth(
                Map.of("generator", "SampleScenario", "seed", seed, "transactions", transactions),
                new Truth.Timing(30_000, 5_000, 200, 5.0),
                new Truth.Summary(transactions, records.size(),
                        records.stream().filter(r -> r.raw() != null).count(), byVerdict, null, null,
                        truth.stream().filter(Truth.Transaction::outlier).count(),
                        truth.stream().filter(Truth.Transaction::stuckAlert).count()),
                truth);
        written.write(dir.resolve("report").resolve("truth.json"));
        return new Written(dir, events, written, records.size());
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: SampleScenario DIR TRANSACTIONS [SEED]");
            System.exit(2);
        }
        Written w = write(Path.of(args[0]), Integer.parseInt(args[1]), args.length > 2 ? Long.parseLong(args[2]) : 7);
        System.out.printf("wrote %s: %d records, %d transactions%n", w.events(), w.records(),
                w.truth().transactions().size());
    }
}
