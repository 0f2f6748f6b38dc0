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

    @Test
    void aLongOpenTransactionIsReportedOnceAsLongOpenAndAgainIfItTurnsHanging() {
        HangingReports reports = new HangingReports("k:9092", List.of());

        List<KafkaTransactionHanging> first = reports.newlyHanging(20_000,
                List.of(open(0, 7, 3, 10, Kind.LONG_OPEN), open(1, 7, 3, 20, Kind.LONG_OPEN), open(1, 8, 0, 25, Kind.OPEN)),
                OFFSETS);
        assertThat(first).singleElement().satisfies(h -> {
            assertThat(h.alert()).isEqualTo(KafkaTransactionHanging.KAFKA_TRANSACTION_LONG_OPEN);
            assertThat(h.producerId()).isEqualTo(7);
            assertThat(h.partitions()).extracting(KafkaTransactionHanging.HeldPartition::startOffset).containsExactly(10L, 20L);
            assertThat(h.ageMs()).isEqualTo(19_000);
        });
        // Still long open at the next polls, its epoch bumped: no second record.
        assertThat(reports.newlyHanging(25_000,
                List.of(open(0, 7, 4, 10, Kind.LONG_OPEN), open(1, 7, 4, 20, Kind.LONG_OPEN)), OFFSETS)).isEmpty();
        // A restart restores it as reported.
        assertThat(new HangingReports("k:9092", reports.reported()).newlyHanging(26_000,
                List.of(open(0, 7, 4, 10, Kind.LONG_OPEN), open(1, 7, 4, 20, Kind.LONG_OPEN)), OFFSETS)).isEmpty();
        // The same transaction later found hanging: named as hanging now, once.
        assertThat(reports.newlyHanging(30_000, List.of(open(0, 7, 4, 10, Kind.HANGING)), OFFSETS))
                .singleElement()
                .satisfies(h -> assertThat(h.alert()).isEqualTo(KafkaTransactionHanging.KAFKA_TRANSACTION_HANGING));
        assertThat(reports.newlyHanging(31_000, List.of(open(0, 7, 4, 10, Kind.HANGING)), OFFSETS)).isEmpty();
    }

    @Test
    void aLaterLongOpenTransactionOfTheSameProducerIsReportedAgain() {
        HangingReports reports = new HangingReports("k:9092", List.of());
        assertThat(reports.newlyHanging(1, List.of(open(0, 7, 3, 10, Kind.LONG_OPEN)), OFFSETS)).hasSize(1);
        assertThat(reports.newlyHanging(2, List.of(open(0, 7, 4, 12, Kind.OPEN)), OFFSETS)).isEmpty();
        assertThat(reports.reported()).isEmpty();
        assertThat(reports.newlyHanging(3, List.of(open(0, 7, 5, 12, Kind.LONG_OPEN)), OFFSETS)).hasSize(1);
    }
}
