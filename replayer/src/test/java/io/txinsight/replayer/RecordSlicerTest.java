package io.txinsight.replayer;

import static io.txinsight.events.TxnFate.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.EventCodec;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.TxnFate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast path gives exactly what decoding gives, and is used only when the whole file proves it. */
class RecordSlicerTest {

    @TempDir
    Path dir;

    private final ScenarioCodec codec = new ScenarioCodec();
    private final EventCodec events = codec.events();

    @Test
    void aCanonicalLineSlicesToTheSameFieldsAndValueBytesAsDecoding() throws Exception {
        ScenarioFile s = new ScenarioFile()
                .txn(5, "k-ü", "p1", 3, COMMIT, 9)
                .plain(6, "k2")
                .raw(7, null, "{\"not\": \"an event\", \"ü\": 1}");
        RecordSlicer slicer = new RecordSlicer();

        for (ScenarioRecord r : s.records()) {
            String line = codec.toLine(r);
            assertThat(slicer.sameAs(line, r, events)).as(line).isTrue();
            assertThat(slicer.value()).isEqualTo(r.value(events));
            assertThat(slicer.txn()).isEqualTo(r.txn());
            assertThat(slicer.key()).isEqualTo(r.key());
        }
        assertThat(slicer.slice(codec.toLine(s.records().get(0)))).isTrue();
        assertThat(slicer.txn()).isEqualTo(new KafkaTxn("p1", 3, TxnFate.COMMIT, 9));
    }

    @Test
    void aLineWrittenDifferentlyIsNotTheSameAsItsDecodedRecord() throws Exception {
        String spaced = "{\"at_ms\": 0, \"topic\": \"t\", \"key\": \"k\", \"event\": {\"event_type\": \"step_done\","
                + " \"txn_id\": \"k\", \"ts\": \"2026-01-01T00:00:00.000Z\", \"step\": \"s\"}}";
        String epochTs = "{\"at_ms\":0,\"topic\":\"t\",\"key\":\"k\",\"event\":{\"event_type\":\"step_done\","
                + "\"txn_id\":\"k\",\"ts\":1767225600000,\"step\":\"s\"}}";
        RecordSlicer slicer = new RecordSlicer();

        assertThat(slicer.sameAs(spaced, codec.parse(spaced, "f", 1), events)).isFalse();
        assertThat(slicer.sameAs(epochTs, codec.parse(epochTs, "f", 1), events)).isFalse();
        assertThat(slicer.slice("[1,2]")).isFalse();
        assertThat(slicer.slice("{\"at_ms\":1}")).isFalse();
    }

    @Test
    void aFileWithOneNonCanonicalLineIsReplayedByDecodingWithTheCanonicalValue() throws Exception {
        ScenarioFile s = new ScenarioFile().plain(0, "a").plain(1, "b")
                .line("{\"at_ms\": 2, \"topic\": \"txn-events\", \"key\": \"c\", \"event\": {\"event_type\": \"step_done\","
                        + " \"txn_id\": \"c\", \"ts\": 1767225600000, \"step\": \"s\"}}");
        Path file = s.writeTo(dir.resolve("mixed.jsonl"));
        Path canonical = new ScenarioFile().plain(0, "a").writeTo(dir.resolve("canonical.jsonl"));
        FakeClock clock = new FakeClock(0);
        RecordingPublisher publisher = new RecordingPublisher(clock);

        ReplaySummary summary = new Replayer().replay(ReplayOptions.builder(file).bootstrapServers("unused:1")
                .clock(clock).publisherFactory(publisher::open).build());

        assertThat(summary.plan().sliceable()).isFalse();
        assertThat(new String(publisher.sends().get(2).value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"event_type\":\"step_done\",\"txn_id\":\"c\",\"ts\":\"2026-01-01T00:00:00.000Z\",\"step\":\"s\"}");
        assertThat(ScenarioPlan.survey(canonical, codec, 0, Long.MAX_VALUE).sliceable()).isTrue();
    }

    @Test
    void blankLinesAreSkippedAlikeOnBothPaths() throws Exception {
        Path file = dir.resolve("blank.jsonl");
        ScenarioFile s = new ScenarioFile().plain(0, "a").plain(1, "b");
        Files.writeString(file, "\n" + codec.toLine(s.records().get(0)) + "\n   \n\n" + codec.toLine(s.records().get(1)) + "\n\n");
        FakeClock clock = new FakeClock(0);
        RecordingPublisher publisher = new RecordingPublisher(clock);

        ReplaySummary summary = new Replayer().replay(ReplayOptions.builder(file).bootstrapServers("unused:1")
                .clock(clock).publisherFactory(publisher::open).from(1).build());

        assertThat(summary.plan().sliceable()).isTrue();
        assertThat(publisher.sends()).extracting(RecordingPublisher.Call::key).containsExactly("b");
    }
}
