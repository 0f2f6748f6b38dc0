package io.txinsight.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Presets are valid, small enough to replay in a test, and each has its script. */
class PresetsTest {

    private static final Path SCENARIOS = Path.of("..", "scenarios");

    @Test
    void everyPresetIsValidAndSmallEnoughToReplayInATest() {
        for (Presets.Preset p : Presets.all().values()) {
            SimulationParams params = p.params();
            assertThat(params.problems()).as(p.name()).isEmpty();
            assertThat(params.name()).isEqualTo(p.name());
            if (!p.name().equals("high_throughput")) {
                assertThat(params.count()).as(p.name()).isBetween(200L, 2000L);
                assertThat(params.spanMs()).as(p.name()).isBetween(20_000L, 40_000L);
            }
            assertThat(params.stuckTimeoutMs()).isEqualTo(10_000);
            assertThat(params.abortGraceMs()).isEqualTo(3_000);
            assertThat(params.outOfOrdernessMs()).isEqualTo(2_000);
        }
    }

    @Test
    void aliasesAndNamesFindTheSamePreset() {
        assertThat(Presets.named("stuck")).isSameAs(Presets.named("stuck_transactions"));
        assertThat(Presets.preset("hanging").directoryName()).isEqualTo("06_hanging_kafka_transaction");
        assertThatThrownBy(() -> Presets.named("nope")).hasMessageContaining("known presets: high_throughput");
    }

    @Test
    void everyNumberedPresetHasItsScript() throws Exception {
        for (Presets.Preset p : Presets.all().values()) {
            if (p.number() == 0) {
                continue;
            }
            Path script = SCENARIOS.resolve(p.directoryName() + ".sh");
            assertThat(script).as(p.name()).exists();
            assertThat(Files.isExecutable(script)).as(script + " is executable").isTrue();
            assertThat(Files.readString(script))
                    .contains("simulate generate --preset " + p.name())
                    .contains("\"$ROOT/scenarios/" + p.directoryName() + "\"");
        }
    }
}
