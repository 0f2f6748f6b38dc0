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
                closed.add(id);
                allIds.add(id);
            }
            entries.add(TrackerMemory.encode(former, d, closed));
        }

        int restoredIds = 0;
        for (int subtask = 0; subtask < 3; subtask++) {
            OutlierDetector d = new OutlierDetector(4.0, 0, Map.of(), 10);
            RecentlyClosed closed = new RecentlyClosed(1_000);
            TrackerMemory.restore(entries, subtask, 3, MAX_PARALLELISM, d, closed);

            assertThat(d.medianOf("payment")).as("subtask %d takes the medians of former subtask %d", subtask, subtask % 2)
                    .isEqualTo(1_000.0 * (subtask % 2 + 1));
            for (String id : allIds) {
                boolean mine = KeyGroupRangeAssignment.assignKeyToParallelOperator(id, MAX_PARALLELISM, 3) == subtask;
                assertThat(closed.contains(id)).as("%s on subtask %d", id, subtask).isEqualTo(mine);
            }
            restoredIds += closed.size();
        }
        assertThat(restoredIds).as("every id lands on exactly one subtask").isEqualTo(allIds.size());
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
