package io.txinsight.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.simulator.Presets;
import io.txinsight.simulator.SimulationParams;
import org.junit.jupiter.api.Test;

class WorkloadFitTest {

    private final SimulationParams mixed = Presets.named("mixed");

    @Test
    void aRunUntilStoppedOrWithRoomEnoughKeepsThePresetsTiming() {
        WorkloadFit endless = WorkloadFit.fitting(mixed, 0);
        WorkloadFit roomy = WorkloadFit.fitting(mixed, 60_000);

        assertThat(endless.compressed()).isFalse();
        assertThat(endless.params()).isEqualTo(mixed);
        assertThat(roomy.compressed()).isFalse();
        assertThat(roomy.shortestSpanMs()).isEqualTo(endless.shortestSpanMs());
    }

    @Test
    void theShortestSpanIsTheFirstThatFitsEveryTrouble() {
        WorkloadFit w = WorkloadFit.fitting(mixed, 0);

        assertThat(w.over(w.shortestSpanMs()).problems()).isEmpty();
        assertThat(w.over(w.shortestSpanMs() - 1_000).problems()).isNotEmpty();
        assertThat(w.shortestSpanMs()).isLessThan(mixed.spanMs());
    }

    @Test
    void aShortRunHalvesEveryTimingAndStillFitsEveryTrouble() {
        long natural = WorkloadFit.fitting(mixed, 0).shortestSpanMs();
        WorkloadFit short30s = WorkloadFit.fitting(mixed, 4_000);

        assertThat(short30s.compressed()).isTrue();
        assertThat(short30s.params().stuckTimeoutMs()).isEqualTo(mixed.stuckTimeoutMs() / 2);
        assertThat(short30s.params().abortGraceMs()).isEqualTo(mixed.abortGraceMs() / 2);
        assertThat(short30s.params().hangMs()).isEqualTo(mixed.hangMs() / 2);
        assertThat(short30s.shortestSpanMs()).isLessThan(natural);
        SimulationParams workload = short30s.over(short30s.shortestSpanMs());
        assertThat(workload.problems()).isEmpty();
        assertThat(workload.stuckShare()).isEqualTo(mixed.stuckShare());
        assertThat(workload.abortShare()).isEqualTo(mixed.abortShare());
        assertThat(workload.hangs()).isEqualTo(mixed.hangs());
    }

    @Test
    void theDemosLongOpenAgeNamesTheHangHalfwayAndNoOtherKafkaTransaction() {
        for (String preset : new String[] {"mixed", "hanging"}) {
            for (long room : new long[] {0, 4_000}) {
                SimulationParams p = WorkloadFit.fitting(Presets.named(preset), room).params();
                long longOpen = DemoCommand.longOpenAfterMs(p);
                assertThat(longOpen).as("%s, room %d", preset, room)
                        .isLessThan(p.hangMs())
                        .isGreaterThan(10 * p.kafkaTxnMs());
            }
        }
        // 06_hanging_kafka_transaction's 15 s hang is named after 7.5 s; the 30 s demo's 5 s one after 2.5 s.
        assertThat(DemoCommand.longOpenAfterMs(Presets.named("hanging"))).isEqualTo(7_500);
        assertThat(DemoCommand.longOpenAfterMs(WorkloadFit.fitting(mixed, 4_000).params())).isEqualTo(2_500);
    }
}
