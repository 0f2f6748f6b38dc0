package io.txinsight.job.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.job.tracker.lifecycle.Blocker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbedEvidenceTest {
    private static final long ROUND_MS = 1_000;

    /** Records what the tracker would have asked Kafka, and answers yes to everything. */
    private static final class AskedKafka implements ProbedEvidence.Questions {
        final List<String> asked = new ArrayList<>();

        @Override
        public boolean rolledBack(String topic, int partition, long offset) {
            asked.add("rolledBack " + topic + "-" + partition + "@" + offset);
            return true;
        }

        @Override
        public boolean noneCommitted(String topic, int partition, long fromOffset, long toOffset, String txnId) {
            asked.add("noneCommitted " + topic + "-" + partition + "@" + fromOffset + ".." + toOffset + " " + txnId);
            return true;
        }

        @Override
        public Blocker blockerOf(String topic, int partition, long offset) {
            return null;
        }
    }

    private final CommittedView committedView = new CommittedView();
    private final AskedKafka kafka = new AskedKafka();
    private long now = 100_000;
    private final ProbedEvidence evidence =
            new ProbedEvidence(committedView, kafka, () -> "t-1", () -> now, ROUND_MS);

    @Test
    void whileTheCommittedViewOfThePartitionMovesKafkaIsNotAsked() {
        committedView.committed("events", 0, 10, 1_000, now);
        now += ROUND_MS - 1;

        assertThat(evidence.hasPassed("events", 0, 50)).isFalse();
        assertThat(evidence.rolledBack("events", 0, 40, 50)).isFalse();
        assertThat(kafka.asked).isEmpty();
    }

    @Test
    void onceItHasStoodStillForARoundKafkaIsAsked() {
        committedView.committed("events", 0, 10, 1_000, now);
        now += ROUND_MS;

        assertThat(evidence.hasPassed("events", 0, 50)).isTrue();
        assertThat(evidence.rolledBack("events", 0, 40, 50)).isTrue();
        assertThat(kafka.asked).containsExactly("rolledBack events-0@50", "noneCommitted events-0@40..50 t-1");
    }

    @Test
    void aPartitionTheCommittedViewNeverShowedStandsStill() {
        committedView.committed("events", 0, 10, 1_000, now);

        assertThat(evidence.hasPassed("events", 3, 7)).isTrue();
        assertThat(kafka.asked).containsExactly("rolledBack events-3@7");
    }

    @Test
    void whatTheCommittedViewHasPassedNeedsNoQuestion() {
        committedView.committed("events", 0, 60, 1_000, now);
        now += 10 * ROUND_MS;

        assertThat(evidence.hasPassed("events", 0, 50)).isTrue();
        assertThat(evidence.rolledBack("events", 0, 40, 50)).isTrue();
        assertThat(kafka.asked).isEmpty();
    }
}
