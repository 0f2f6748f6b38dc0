package io.txinsight.validator;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioFormatException;
import io.txinsight.events.ScenarioReader;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.TxnFate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Kafka transactions a scenario holds open (fate {@code hang} in its {@code events.jsonl}):
 * the replayer keeps each open until its recorded end, pinning the last stable offset of the
 * partitions it wrote to, then aborts it. The truth's verdicts already account for what it rolls
 * back; what the job must also do is name it, so the validator checks that (see {@link
 * Validation.KafkaHang}).
 *
 * <p>The replayer gives each scenario producer the {@code transactional.id} {@code PREFIX-producer}
 * (with {@code --parallel-commits} also {@code PREFIX-producer-laneN}); the prefix is random per
 * replay unless given, so a hang is matched to the job's records by that suffix.
 */
public final class HeldOpenKafkaTransactions {

    /**
     * One Kafka transaction the scenario holds open.
     *
     * @param producer the scenario producer (its transactional id ends with {@code -producer})
     * @param seq the transaction's sequence number within that producer
     * @param firstRecordMs its first record, in scenario milliseconds from the start
     * @param endMs when the replayer aborts it, in scenario milliseconds
     * @param records how many records it carries
     * @param txnIds the business transactions with events in it, in order of first appearance
     */
    public record Held(String producer, long seq, long firstRecordMs, long endMs, long records, List<String> txnIds) {

        public Held {
            txnIds = List.copyOf(txnIds);
        }

        /** How long it stays open, from its first record to its abort. */
        public long openMs() {
            return Math.max(0, endMs - firstRecordMs);
        }

        /** Whether {@code transactionalId} is the one the replayer gives this hang's producer. */
        public boolean producedBy(String transactionalId) {
            return transactionalId != null
                    && Pattern.compile(".*-" + Pattern.quote(producer) + "(-lane[0-9]+)?").matcher(transactionalId).matches();
        }
    }

    private HeldOpenKafkaTransactions() {}

    /** The held-open transactions of a scenario's events file, in order of their first record; none if there is no file. */
    public static List<Held> read(Path eventsFile) throws IOException, ScenarioFormatException {
        if (eventsFile == null || !Files.isRegularFile(eventsFile)) {
            return List.of();
        }
        Map<String, long[]> figures = new LinkedHashMap<>(); // producer#seq -> first, end, records
        Map<String, Set<String>> txnIds = new LinkedHashMap<>();
        Map<String, KafkaTxn> txns = new LinkedHashMap<>();
        try (ScenarioReader reader = new ScenarioReader(eventsFile, new ScenarioCodec())) {
            for (ScenarioRecord next = reader.next(); next != null; next = reader.next()) {
                ScenarioRecord r = next;
                KafkaTxn txn = r.txn();
                if (txn == null || txn.fate() != TxnFate.HANG) {
                    continue;
                }
                String key = txn.producer() + "#" + txn.seq();
                long[] f = figures.computeIfAbsent(key, k -> new long[] {r.atMs(), txn.endMs(), 0});
                f[2]++;
                txns.putIfAbsent(key, txn);
                BusinessEvent event = r.event();
                Set<String> ids = txnIds.computeIfAbsent(key, k -> new LinkedHashSet<>());
                if (event != null && event.txnId() != null) {
                    ids.add(event.txnId());
                }
            }
        }
        List<Held> held = new ArrayList<>();
        figures.forEach((key, f) -> {
            KafkaTxn txn = txns.get(key);
            held.add(new Held(txn.producer(), txn.seq(), f[0], f[1], f[2], List.copyOf(txnIds.get(key))));
        });
        return held;
    }
}
