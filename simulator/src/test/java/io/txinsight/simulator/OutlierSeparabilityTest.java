package io.txinsight.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.Truth;
import io.txinsight.events.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job flags a closed transaction as an outlier when its duration exceeds 4x the running
 * median of its type. Injected outliers must be exactly the ones such a rule finds: natural
 * transactions stay under 3x their type's median, injected ones land above 6x.
 */
class OutlierSeparabilityTest {

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("outliers_and_disorder", Presets.named("outliers")),
                Arguments.of("mixed", Presets.named("mixed")),
                Arguments.of("stuck_transactions", Presets.named("stuck")),
                Arguments.of("large run", SimulationParams.builder().seed(77).count(20_000).durationMs(200_000)
                        .failedShare(0.15).outlierShare(0.05).lateCloseShare(0.01).stuckShare(0.02)
                        .abortShare(0.03).outOfOrderShare(0.1).duplicateShare(0.05).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void aFourTimesTheMedianRuleFindsTheInjectedOutliers(String name, SimulationParams params) throws Exception {
        List<Truth.Transaction> closed = closed(LoadedScenario.inMemory(params).truth);
        Map<String, Long> medians = new HashMap<>();
        Map<String, List<Long>> byType = new HashMap<>();
        for (Truth.Transaction t : closed) {
            byType.computeIfAbsent(t.txnType(), k -> new ArrayList<>()).add(t.durationMs());
        }
        byType.forEach((type, ds) -> {
            Collections.sort(ds);
            medians.put(type, ds.get(ds.size() / 2));
        });

        double worstNatural = 0;
        double mildestOutlier = Double.MAX_VALUE;
        Confusion overall = new Confusion();
        for (Truth.Transaction t : closed) {
            double ratio = t.durationMs() / (double) medians.get(t.txnType());
            overall.add(ratio > params.outlierFactor(), t.outlier());
            if (t.outlier()) {
                mildestOutlier = Math.min(mildestOutlier, ratio);
            } else {
                worstNatural = Math.max(worstNatural, ratio);
            }
        }
        assertThat(overall.truePositives).as("outliers present").isPositive();
        assertThat(overall.precision()).isGreaterThanOrEqualTo(0.97);
        assertThat(overall.recall()).isGreaterThanOrEqualTo(0.97);
        assertThat(worstNatural).as("slowest natural transaction, in medians").isLessThan(3.0);
        assertThat(mildestOutlier).as("mildest outlier, in medians").isGreaterThan(6.0);

        // The job's view: a running median per type, trusted after 20 closes, in close order.
        Confusion running = new Confusion();
        Map<String, RunningMedian> runningMedians = new HashMap<>();
        List<Truth.Transaction> byClose = new ArrayList<>(closed);
        byClose.sort(Comparator.comparingLong(Truth.Transaction::closedAtMs));
        for (Truth.Transaction t : byClose) {
            RunningMedian m = runningMedians.computeIfAbsent(t.txnType(), k -> new RunningMedian());
            if (m.count() >= 20) {
                running.add(t.durationMs() > params.outlierFactor() * m.median(), t.outlier());
            }
            m.add(t.durationMs());
        }
        assertThat(running.precision()).isGreaterThanOrEqualTo(0.97);
        assertThat(running.recall()).isGreaterThanOrEqualTo(0.97);
    }

    private static List<Truth.Transaction> closed(Truth truth) {
        return truth.transactions().stream()
                .filter(t -> t.verdict() == Verdict.CLOSED_SUCCESS || t.verdict() == Verdict.CLOSED_FAILED)
                .toList();
    }

    private static final class Confusion {
        long truePositives, falsePositives, falseNegatives;

        void add(boolean flagged, boolean outlier) {
            if (flagged && outlier) {
                truePositives++;
            } else if (flagged) {
                falsePositives++;
            } else if (outlier) {
                falseNegatives++;
            }
        }

        double precision() {
            return truePositives / (double) Math.max(1, truePositives + falsePositives);
        }

        double recall() {
            return truePositives / (double) Math.max(1, truePositives + falseNegatives);
        }
    }

    /** Median of everything added so far: two heaps. */
    private static final class RunningMedian {
        private final PriorityQueue<Long> low = new PriorityQueue<>(Comparator.reverseOrder());
        private final PriorityQueue<Long> high = new PriorityQueue<>();

        void add(long v) {
            if (low.isEmpty() || v <= low.peek()) {
                low.add(v);
            } else {
                high.add(v);
            }
            if (low.size() > high.size() + 1) {
                high.add(low.poll());
            } else if (high.size() > low.size()) {
                low.add(high.poll());
            }
        }

        int count() {
            return low.size() + high.size();
        }

        double median() {
            return low.size() > high.size() ? low.peek() : (low.peek() + high.peek()) / 2.0;
        }
    }
}
