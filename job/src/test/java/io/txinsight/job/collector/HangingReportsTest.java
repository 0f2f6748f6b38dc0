package io.txinsight.job.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.job.collector.OpenKafkaTransaction.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HangingReportsTest {

    private static OpenKafkaTransaction open(int partition, long producerId, int epoch, long startOffset, Kind kind) {
        return new OpenKafkaTransaction("t", partition, producerId, epoch, startOffset, 1_000, null, null, -1, -1,
                List.of(), kind);
    }

    private static final Map<String, PartitionOffsets> OFFSETS = Map.of(
            "t-0", new PartitionOffsets("t", 0, 50, 10), "t-1", new PartitionOffsets("t", 1, 30, 20));

    @Test
    void oneRecordPerHangingTransactionWhateverItsEpochSays() {
        HangingReports reports = new HangingReports("k:9092", List.of());

        List<KafkaTransactionHanging> first = reports.newlyHanging(100_000,
                List.of(open(0, 7, 3, 10, Kind.HANGING), open(1, 7, 3, 20, Kind.HANGING), open(1, 8, 0, 25, Kind.OPEN)),
                OFFSETS);

        assertThat(first).singleElement().satisfies(h -> {
            assertThat(h.producerId()).isEqualTo(7);
            assertThat(h.partitions()).extracting(KafkaTransactionHanging.HeldPartition::startOffset).containsExactly(10L, 20L);
            assertThat(h.recordsHeldBack()).isEqualTo(40 + 10);
            assertThat(h.ageMs()).isEqualTo(99_000);
            assertThat(h.abortCommands()).hasSize(2);
        });
        // The same transaction at a later poll, its epoch seen bumped (KIP-890): not again.
        assertThat(reports.newlyHanging(105_000,
                List.of(open(0, 7, 4, 10, Kind.HANGING), open(1, 7, 4, 20, Kind.HANGING)), OFFSETS)).isEmpty();
    }

    @Test
    void aLaterHangingTransactionOfTheSameProducerIsReportedAgain() {
        HangingReports reports = new HangingReports("k:9092", List.of());
        assertThat(reports.newlyHanging(1, List.of(open(0, 7, 3, 10, Kind.HANGING)), OFFSETS)).hasSize(1);
        assertThat(reports.newlyHanging(2, List.of(), OFFSETS)).isEmpty();
        assertThat(reports.reported()).isEmpty();
        assertThat(reports.newlyHanging(3, List.of(open(0, 7, 5, 40, Kind.HANGING)), OFFSETS)).hasSize(1);
    }

    @Test
    void whatARestoredRunReportedIsNotReportedAgain() {
        HangingReports reports = new HangingReports("k:9092", List.of("7@t-0:10"));
        assertThat(reports.newlyHanging(1, List.of(open(0, 7, 3, 10, Kind.HANGING)), OFFSETS)).isEmpty();
    }
}
