package io.txinsight.replayer;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.RecordKey;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --key}: the file's keys, the txn_ids, or every event of a transaction under its account. */
class RecordKeysTest {

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock(2_000_000_000_000L);

    /** A step published before its open, a transaction without an account, and a malformed record. */
    private Path scenario() throws Exception {
        ScenarioCodec codec = new ScenarioCodec();
        List<ScenarioRecord> records = List.of(
                new ScenarioRecord(0, "t", "k1", BusinessEvent.stepOpen("T1", 1_000, "validate"), null, null),
                new ScenarioRecord(5, "t", "k1",
                        BusinessEvent.open("T1", 999, "payment", Map.of("account", "acc-7")), null, null),
                new ScenarioRecord(6, "t", "k2", BusinessEvent.open("T2", 1_006, "payment", Map.of()), null, null),
                new ScenarioRecord(7, "t", "bad", null, "{not json", null),
                new ScenarioRecord(9, "t", "k1", BusinessEvent.close("T1", 1_009, CloseStatus.SUCCESS), null, null));
        Path file = dir.resolve("events.jsonl");
        Files.write(file, records.stream().map(codec::toLine).toList());
        return file;
    }

    private List<String> keys(RecordKey key) throws Exception {
        RecordingPublisher publisher = new RecordingPublisher(clock);
        new Replayer().replay(ReplayOptions.builder(scenario())
                .bootstrapServers("unused:9092")
                .clock(clock)
                .speed(Speed.MAX)
                .key(key)
                .publisherFactory(publisher::open)
                .build());
        return publisher.sends().stream().map(RecordingPublisher.Call::key).toList();
    }

    @Test
    void theFilesKeysByDefault() throws Exception {
        assertThat(keys(null)).containsExactly("k1", "k1", "k2", "bad", "k1");
    }

    @Test
    void txnIds() throws Exception {
        assertThat(keys(RecordKey.TXN_ID)).containsExactly("T1", "T1", "T2", "bad", "T1");
    }

    @Test
    void accountsForEveryEventOfTheTransactionEvenBeforeItsOpen() throws Exception {
        assertThat(keys(RecordKey.ACCOUNT)).containsExactly("acc-7", "acc-7", "T2", "bad", "acc-7");
    }
}
