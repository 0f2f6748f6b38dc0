package io.txinsight.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.txinsight.events.EventType;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.Truth;
import io.txinsight.events.TxnFate;
import io.txinsight.events.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Over a large seeded run, every trouble shows up about as often as configured. */
class TroubleSharesTest {

    private static final SimulationParams PARAMS = SimulationParams.builder()
            .seed(2024).count(20_000).durationMs(200_000)
            .failedShare(0.10).outlierShare(0.05).stuckShare(0.04).lateCloseShare(0.02)
            .duplicateShare(0.10).outOfOrderShare(0.10).burstShare(0.02).burstSize(5).burstWindowMs(2000)
            .malformedShare(0.01).abortShare(0.05).hangs(2).hangMs(15_000)
            .build();

    static LoadedScenario s;
    static List<Truth.Transaction> txns;
    static double n;

    @BeforeAll
    static void generate() throws Exception {
        s = LoadedScenario.inMemory(PARAMS);
        txns = s.truth.transactions();
        n = txns.size();
    }

    private static double share(java.util.function.Predicate<Truth.Transaction> p) {
        return txns.stream().filter(p).count() / n;
    }

    @Test
    void countIsExact() {
        assertThat(txns).hasSize(20_000);
    }

    @Test
    void stuckAndLateCloses() {
        assertThat(share(t -> t.verdict() == Verdict.STUCK)).isCloseTo(0.04, within(0.008));
        assertThat(share(t -> t.stuckAlert() && t.verdict() != Verdict.STUCK)).isCloseTo(0.02, within(0.005));
    }

    @Test
    void outliers() {
        // Closed outliers: injected slow steps and late closes whose close committed.
        double closed = share(t -> t.verdict() == Verdict.CLOSED_SUCCESS || t.verdict() == Verdict.CLOSED_FAILED);
        double outliersAmongClosed = share(Truth.Transaction::outlier) / closed;
        assertThat(outliersAmongClosed).isCloseTo(0.05 + 0.02, within(0.012));
    }

    @Test
    void failedCloses() {
        double closed = share(t -> t.verdict() == Verdict.CLOSED_SUCCESS || t.verdict() == Verdict.CLOSED_FAILED);
        assertThat(share(t -> t.verdict() == Verdict.CLOSED_FAILED) / closed).isCloseTo(0.10, within(0.015));
    }

    @Test
    void abortedKafkaTransactionsAndTheClosesTheyRollBack() {
        Map<String, TxnFate> fates = new HashMap<>();
        for (ScenarioRecord r : s.records) {
            KafkaTxn k = r.txn();
            fates.put(k.producer() + "/" + k.seq(), k.fate());
        }
        double aborted = fates.values().stream().filter(f -> f == TxnFate.ABORT).count() / (double) fates.size();
        assertThat(aborted).isCloseTo(0.05, within(0.008));
        assertThat(fates.values().stream().filter(f -> f == TxnFate.HANG).count()).isEqualTo(2);
        // A close lands in an aborted Kafka transaction about as often as any record does.
        assertThat(share(t -> t.verdict() == Verdict.ABORTED)).isCloseTo(0.05, within(0.012));
    }

    @Test
    void duplicates() {
        assertThat(share(t -> t.duplicates() > 0)).isCloseTo(0.10, within(0.012));
    }

    @Test
    void outOfOrderDelivery() {
        long disordered = s.byTxn.values().stream().filter(recs -> {
            long prev = Long.MIN_VALUE;
            for (ScenarioRecord r : recs) {
                if (r.event().ts() < prev) {
                    return true;
                }
                prev = r.event().ts();
            }
            return false;
        }).count();
        // Resent duplicates are out of order too; out-of-order moves one record per transaction.
        assertThat(disordered / n).isBetween(0.09, 0.10 + 0.10 + 0.01);
    }

    @Test
    void malformedRecords() {
        assertThat(s.malformed.size() / (double) (s.records.size() - s.malformed.size())).isCloseTo(0.01, within(0.002));
        Set<String> kinds = new HashSet<>();
        for (ScenarioRecord r : s.malformed) {
            kinds.add(r.raw().isEmpty() ? "empty" : r.raw().substring(0, Math.min(12, r.raw().length())));
        }
        assertThat(kinds.size()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void velocityBurstsShowUpAsManyOpensFromOneAccount() {
        // Opens per account in time order; a burst is 5 opens within 2 s from one account.
        Map<Object, List<Long>> opens = new HashMap<>();
        for (List<ScenarioRecord> recs : s.byTxn.values()) {
            for (ScenarioRecord r : recs) {
                if (r.event().eventType() == EventType.TRANSACTION_OPEN) {
                    opens.computeIfAbsent(r.event().attributes().get("account"), k -> new ArrayList<>()).add(r.event().ts());
                    break;
                }
            }
        }
        long bursts = 0;
        for (List<Long> ts : opens.values()) {
            ts.sort(null);
            for (int i = 0; i + 4 < ts.size(); i++) {
                if (ts.get(i + 4) - ts.get(i) <= 2000) {
                    bursts++;
                    i += 4;
                }
            }
        }
        // About 2% of the non-burst arrivals start one: ~20,000 x 0.02 / (1 + 0.02 x 4) ≈ 370.
        assertThat(bursts).isBetween(280L, 460L);
    }
}
