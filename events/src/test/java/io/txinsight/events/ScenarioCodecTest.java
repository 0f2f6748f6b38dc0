package io.txinsight.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioCodecTest {

    private final ScenarioCodec codec = new ScenarioCodec();

    @Test
    void writesOneRecordPerLineAndReadsThemBack(@TempDir Path dir) throws Exception {
        List<ScenarioRecord> records = List.of(
                new ScenarioRecord(0, "txn-events", "T-1",
                        BusinessEvent.open("T-1", 1_000, "payment", Map.of("account", "ACC-1")), null,
                        new KafkaTxn("p0", 0, TxnFate.COMMIT, 40)),
                new ScenarioRecord(15, "txn-events", "T-1", BusinessEvent.stepOpen("T-1", 1_015, "validate"), null,
                        new KafkaTxn("p1", 3, TxnFate.ABORT, 60)),
                new ScenarioRecord(15, "txn-events", null, null, "{not json", new KafkaTxn("p2", 9, TxnFate.HANG, 9_000)),
                new ScenarioRecord(30, "txn-events", "T-1", BusinessEvent.close("T-1", 1_030, CloseStatus.SUCCESS), null, null));
        Path file = dir.resolve("events.jsonl");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                JsonGenerator gen = codec.lineWriter(out)) {
            for (ScenarioRecord r : records) {
                codec.write(r, gen);
            }
        }

        assertThat(Files.readAllLines(file)).hasSize(4).first().asString()
                .isEqualTo("{\"at_ms\":0,\"topic\":\"txn-events\",\"key\":\"T-1\",\"txn\":{\"producer\":\"p0\",\"seq\":0,"
                        + "\"fate\":\"commit\",\"end_ms\":40},\"event\":{\"event_type\":\"transaction_open\",\"txn_id\":\"T-1\","
                        + "\"ts\":\"1970-01-01T00:00:01.000Z\",\"txn_type\":\"payment\",\"attributes\":{\"account\":\"ACC-1\"}}}");
        List<ScenarioRecord> read = new ArrayList<>();
        try (ScenarioReader reader = new ScenarioReader(file, codec)) {
            for (ScenarioRecord r = reader.next(); r != null; r = reader.next()) {
                read.add(r);
            }
        }
        assertThat(read).isEqualTo(records);
    }

    @Test
    void namesFileLineAndFieldOfABadRecord(@TempDir Path dir) throws Exception {
        assertProblem(dir, "{\"at_ms\":\"soon\",\"topic\":\"t\",\"raw\":\"x\"}", "at_ms", ":2: field 'at_ms': expected a whole number, was \"soon\"");
        assertProblem(dir, "{\"at_ms\":5,\"raw\":\"x\"}", "topic", ":2: field 'topic': is missing");
        assertProblem(dir, "{\"at_ms\":5,\"topic\":\"t\"}", null, ":2: expected exactly one of 'event' (a business event) and 'raw' (a literal value)");
        assertProblem(dir, "{\"at_ms\":5,\"topic\":\"t\",\"raw\":\"x\",\"txn\":{\"producer\":\"p\",\"seq\":1,\"fate\":\"maybe\",\"end_ms\":9}}",
                "txn.fate", ":2: field 'txn.fate': is 'maybe'; expected commit, abort or hang");
        assertProblem(dir, "{\"at_ms\":5,\"topic\":\"t\",\"raw\":\"x\",\"txn\":{\"producer\":\"p\",\"seq\":1,\"fate\":\"commit\",\"end_ms\":2}}",
                "txn.end_ms", ":2: field 'txn.end_ms': is 2, before the record's at_ms 5");
        assertProblem(dir, "{\"at_ms\":5,\"topic\":\"t\",\"event\":{\"event_type\":\"step_open\",\"txn_id\":\"T\",\"ts\":1}}",
                "event.step", ":2: field 'event.step': field 'step' is missing; expected the step name on a step_open event (use 'raw' for a deliberately malformed record)");
        assertProblem(dir, "{\"at_ms\":1,\"topic\":\"t\",\"raw\":\"x\"}", "at_ms", ":2: field 'at_ms': is 1, earlier than the previous record's 3");
        assertProblem(dir, "not json at all", null, ":2: not valid JSON: Unrecognized token 'not'");
    }

    private void assertProblem(Path dir, String secondLine, String field, String message) throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"at_ms\":3,\"topic\":\"t\",\"raw\":\"ok\"}\n" + secondLine + "\n");
        try (ScenarioReader reader = new ScenarioReader(file, codec)) {
            assertThat(reader.next()).isNotNull();
            assertThatThrownBy(reader::next)
                    .isInstanceOfSatisfying(ScenarioFormatException.class, e -> {
                        assertThat(e.line()).isEqualTo(2);
                        assertThat(e.field()).isEqualTo(field);
                        assertThat(e.source()).isEqualTo(file.toString());
                    })
                    .hasMessageStartingWith(file.toString())
                    .hasMessageContaining(message);
        }
    }
}
