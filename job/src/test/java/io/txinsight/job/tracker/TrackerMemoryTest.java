package io.txinsight.job.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

class TrackerMemoryTest {

    private static final int MAX_PARALLELISM = 128;

    @Test
    void afterARescaleEachSubtaskTakesTheIdsItNowOwnsAndOneFormerSubtasksMedians() throws Exception {
        // Two former subtasks, each with its own medians and recently closed ids.
        List<byte[]> entries = new ArrayList<>();
        List<String> allIds = new ArrayList<>();
        for (int former = 0; former < 2; former++) {
            OutlierDetector d = new OutlierDetector(4.0, 0, Map.of(), 10);
            for (int i = 0; i < 7; i++) {
                d.judge("payment", 1_000L * (former + 1));
            }
            RecentlyClosed closed = new RecentlyClosed(1_000);
            for (int i = 0; i < 200; i++) {
                String id = "s" + former + "-" + i;
                closed.add(id, 10_000 + i, 20_000 + i * 2 + former);
                allIds.add(id);
            }
            entries.add(TrackerMemory.encode(former, d, closed));
        }

        int restoredIds = 0;
        for (int subtask = 0; subtask < 3; subtask++) {
            OutlierDetector d = new OutlierDetector(4.0, 0, Map.of(), 10);
            RecentlyClosed closed = new RecentlyClosed(1_000);
            TrackerMemory.restore(entries, subtask, 3, MAX_PARALLELISM, d, closed);
            long previous = Long.MIN_VALUE;
            for (Map.Entry<String, RecentlyClosed.Life> life : closed.lives()) {
                assertThat(life.getValue().decidedAt()).as("merged back into decision order").isGreaterThan(previous);
                previous = life.getValue().decidedAt();
                int i = Integer.parseInt(life.getKey().substring(3));
                assertThat(life.getValue().closeTs()).as("close time of %s", life.getKey()).isEqualTo(10_000 + i);
            }

            assertThat(d.medianOf("payment")).as("subtask %d takes the medians of former subtask %d", subtask, subtask % 2)
                    .isEqualTo(1_000.0 * (subtask % 2 + 1));
            for (String id : allIds) {
                boolean mine = KeyGroupRangeAssignment.assignKeyToParallelOperator(id, MAX_PARALLELISM, 3) == subtask;
                assertThat(closed.closedAt(id) != RecentlyClosed.UNKNOWN).as("%s on subtask %d", id, subtask).isEqualTo(mine);
            }
            restoredIds += closed.size();
        }
        assertThat(restoredIds).as("every id lands on exactly one subtask").isEqualTo(allIds.size());
    }

    @Test
    void livesAreForgottenByTimeNeverByCount() {
        RecentlyClosed closed = new RecentlyClosed(60_000);
        for (int i = 0; i < 100_000; i++) {
            closed.add("t" + i, i, 1_000_000 + i);
        }
        assertThat(closed.size()).as("no count bound: volume does not push a life out").isEqualTo(100_000);
        assertThat(closed.closedAt("t0")).isZero();

        closed.forgetBefore(1_000_000 + 60_000 + 49_999);

        assertThat(closed.closedAt("t49998")).as("decided more than the horizon ago").isEqualTo(RecentlyClosed.UNKNOWN);
        assertThat(closed.closedAt("t49999")).as("exactly the horizon ago").isEqualTo(49_999);
        assertThat(closed.size()).isEqualTo(50_001);
        closed.forgetBefore(Long.MIN_VALUE);
        assertThat(closed.size()).as("a clock before every decision forgets nothing").isEqualTo(50_001);
    }

    @Test
    void aLaterLifeOfTheSameIdReplacesTheEarlierOne() {
        RecentlyClosed closed = new RecentlyClosed(60_000);
        closed.add("t", 2_000, 10_000);
        closed.add("u", 3_000, 11_000);
        closed.add("t", 9_000, 12_000);
        assertThat(closed.closedAt("t")).isEqualTo(9_000);
        closed.forgetBefore(11_000 + 60_001);
        assertThat(closed.closedAt("u")).isEqualTo(RecentlyClosed.UNKNOWN);
        assertThat(closed.closedAt("t")).as("kept as of its later decision").isEqualTo(9_000);
    }

    @Test
    void nothingToRestoreLeavesEverythingEmpty() throws Exception {
        OutlierDetector d = new OutlierDetector(4.0, 0, Map.of(), 10);
        RecentlyClosed closed = new RecentlyClosed(10);
        TrackerMemory.restore(List.of(), 0, 1, MAX_PARALLELISM, d, closed);
        assertThat(d.medianOf("payment")).isNaN();
        assertThat(closed.size()).isZero();
    }
}
