package io.txinsight.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import io.txinsight.events.ScenarioCodec;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same seed and parameters give byte-identical files; another seed gives other files. */
class DeterminismTest {

    @TempDir
    Path dir;

    @Test
    void sameSeedSameBytes() throws Exception {
        // Every kind of trouble at once, so every random stream is exercised.
        SimulationParams params = Presets.named("mixed");
        Scenario a = Simulator.generate(params, dir.resolve("a"));
        Scenario b = Simulator.generate(params, dir.resolve("b"));

        assertThat(Files.size(a.eventsFile())).isPositive();
        assertThat(Files.mismatch(a.eventsFile(), b.eventsFile())).isEqualTo(-1L);
        assertThat(Files.mismatch(a.truthFile(), b.truthFile())).isEqualTo(-1L);
    }

    @Test
    void theParallelWriterWritesWhatOneGeneratorWould() throws Exception {
        // Several batches (512 records each) and a partial last one.
        SimulationParams params = Presets.named("outliers");
        Scenario s = Simulator.generate(params, dir.resolve("s"));
        StringWriter expected = new StringWriter();
        ScenarioCodec codec = new ScenarioCodec();
        try (JsonGenerator gen = codec.lineWriter(expected)) {
            new Workload(params).run(r -> codec.write(r, gen), null);
            gen.writeRaw('\n');
        }
        String written = Files.readString(s.eventsFile());
        assertThat(written.length()).isGreaterThan(10 * 512 * 100);
        assertThat(written).isEqualTo(expected.toString()).endsWith("}\n").doesNotContain("\n\n");
    }

    @Test
    void regeneratingIntoTheSameDirectoryReplacesTheFiles() throws Exception {
        SimulationParams params = Presets.named("aborted");
        Scenario first = Simulator.generate(params, dir.resolve("s"));
        byte[] events = Files.readAllBytes(first.eventsFile());
        Simulator.generate(params.toBuilder().seed(99).build(), dir.resolve("s"));
        Scenario again = Simulator.generate(params, dir.resolve("s"));

        assertThat(Files.readAllBytes(again.eventsFile())).isEqualTo(events);
        assertThat(Files.list(dir.resolve("s"))).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("events.jsonl", "report");
    }

    @Test
    void anotherSeedGivesAnotherScenarioWithOtherIds() throws Exception {
        SimulationParams params = Presets.named("outliers");
        Scenario a = Simulator.generate(params, dir.resolve("a"));
        Scenario b = Simulator.generate(params.toBuilder().seed(params.seed() + 1).build(), dir.resolve("b"));

        assertThat(Files.mismatch(a.eventsFile(), b.eventsFile())).isNotEqualTo(-1L);
        assertThat(a.truth().transactions().get(0).txnId()).isNotEqualTo(b.truth().transactions().get(0).txnId());
    }

    @Test
    void theStartTimeOnlyShiftsEventTimes() throws Exception {
        SimulationParams params = Presets.named("stuck");
        Scenario a = Simulator.generate(params, dir.resolve("a"));
        Scenario b = Simulator.generate(
                params.toBuilder().startEpochMs(params.startEpochMs() + 3_600_000).build(), dir.resolve("b"));

        assertThat(b.truth().summary()).isEqualTo(a.truth().summary());
        assertThat(b.truth().transactions().get(5).openedAtMs())
                .isEqualTo(a.truth().transactions().get(5).openedAtMs() + 3_600_000);
    }
}
