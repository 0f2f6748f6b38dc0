package io.txinsight.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.DecodeResult;
import io.txinsight.events.EventCodec;
import io.txinsight.events.EventType;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.Truth;
import io.txinsight.events.TxnFate;
import io.txinsight.events.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The truth agrees with the events, and the events keep the promises the job relies on, for
 * every preset (high_throughput shortened to keep the test fast).
 */
class TruthConsistencyTest {

    @TempDir
    static Path dir;

    /** Each preset is generated once and read back once; the tests below only look. */
    private static final Map<String, LoadedScenario> SCENARIOS = new HashMap<>();

    static Stream<Arguments> presets() {
        return Presets.all().values().stream().map(p -> {
            SimulationParams params = p.name().equals("high_throughput")
                    ? p.params().toBuilder().count(3000).durationMs(12_000).build()
                    : p.params();
            return Arguments.of(p.name(), params);
        });
    }

    private static synchronized LoadedScenario scenario(String name, SimulationParams params) throws Exception {
        LoadedScenario s = SCENARIOS.get(name);
        if (s == null) {
            s = LoadedScenario.generate(params, dir.resolve(name));
            SCENARIOS.put(name, s);
        }
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void truthMatchesTheEvents(String name, SimulationParams params) throws Exception {
        LoadedScenario s = scenario(name, params);
        long start = params.startEpochMs();

        // Every truth transaction appears in the events, and every event belongs to one.
        Set<String> truthIds = new HashSet<>();
        for (Truth.Transaction t : s.truth.transactions()) {
            truthIds.add(t.txnId());
        }
        assertThat(truthIds).hasSize(s.truth.transactions().size());
        assertThat(s.byTxn.keySet()).isEqualTo(truthIds);

        for (Truth.Transaction t : s.truth.transactions()) {
            List<ScenarioRecord> recs = s.byTxn.get(t.txnId());
            List<ScenarioRecord> opens = ofType(recs, EventType.TRANSACTION_OPEN);
            List<ScenarioRecord> closes = ofType(recs, EventType.TRANSACTION_CLOSE);
            assertThat(opens).as("opens of %s", t.txnId()).isNotEmpty();
            BusinessEvent open = opens.get(0).event();
            assertThat(open.ts()).isEqualTo(t.openedAtMs());
            assertThat(open.txnType()).isEqualTo(t.txnType());
            assertThat(open.attributes()).containsKeys("account", "amount", "currency", "merchant", "category");
            assertThat(recs).allSatisfy(r -> assertThat(r.key()).isEqualTo(t.txnId()));
            assertThat(recs.size() - distinct(recs)).as("resent events of %s", t.txnId()).isEqualTo(t.duplicates());

            switch (t.verdict()) {
                case STUCK -> {
                    assertThat(closes).isEmpty();
                    assertThat(recs).as("a committed record of %s", t.txnId())
                            .anySatisfy(r -> assertThat(r.txn().fate()).isEqualTo(TxnFate.COMMIT));
                    assertThat(t.stuckAlert()).isTrue();
                    assertThat(t.closedAtMs()).isNull();
                    long lastTs = recs.stream().mapToLong(r -> r.event().ts()).max().orElseThrow();
                    long lastAt = recs.stream().mapToLong(ScenarioRecord::atMs).max().orElseThrow();
                    // Silent from its last event to the end, with room for the job's clock to pass the timeout.
                    assertThat(start + s.lastAt() - lastTs)
                            .isGreaterThan(params.stuckTimeoutMs() + 2 * params.abortGraceMs());
                    assertThat(s.lastAt() - lastAt).isGreaterThan(params.stuckTimeoutMs() + 2 * params.abortGraceMs());
                }
                case ABORTED -> {
                    // Its closes rolled back, or, never closed, every one of its records.
                    assertThat(closes.isEmpty() ? recs : closes)
                            .allSatisfy(c -> assertThat(c.txn().fate()).isIn(TxnFate.ABORT, TxnFate.HANG));
                    assertThat(t.outlier()).isFalse();
                }
                case CLOSED_SUCCESS, CLOSED_FAILED -> {
                    CloseStatus expected = t.verdict() == Verdict.CLOSED_SUCCESS ? CloseStatus.SUCCESS : CloseStatus.FAILED;
                    assertThat(closes).anySatisfy(c -> assertThat(c.txn().fate()).isEqualTo(TxnFate.COMMIT));
                    assertThat(closes).allSatisfy(c -> assertThat(c.event().status()).isEqualTo(expected));
                }
                default -> throw new AssertionError("unexpected verdict " + t.verdict());
            }
            if (!closes.isEmpty()) {
                assertThat(t.closedAtMs()).isEqualTo(closes.get(0).event().ts());
                assertThat(t.durationMs()).isEqualTo(t.closedAtMs() - t.openedAtMs());
            }

            // Gaps: ordinary transactions never pause for more than half the stuck timeout; a late
            // close pauses past the timeout and the disorder bound.
            long maxGap = maxGap(recs);
            boolean lateClose = t.stuckAlert() && t.verdict() != Verdict.STUCK;
            if (lateClose) {
                assertThat(maxGap).isGreaterThan(params.stuckTimeoutMs() + params.outOfOrdernessMs());
                assertThat(t.outlier()).isEqualTo(t.verdict() != Verdict.ABORTED);
            } else {
                assertThat(maxGap).as("largest pause in %s", t.txnId()).isLessThanOrEqualTo(params.stuckTimeoutMs() / 2);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void kafkaTransactionsBehaveLikeRealProducers(String name, SimulationParams params) throws Exception {
        LoadedScenario s = scenario(name, params);
        Map<String, List<ScenarioRecord>> byProducer = new HashMap<>();
        assertThat(s.records).allMatch(r -> r.txn() != null && r.topic().equals(params.topic()));
        for (ScenarioRecord r : s.records) {
            byProducer.computeIfAbsent(r.txn().producer(), k -> new ArrayList<>()).add(r);
        }
        assertThat(byProducer.keySet()).allSatisfy(p -> assertThat(p).matches("p[0-9]+"));
        int hangs = 0;
        long aborts = 0;
        List<String> violations = new ArrayList<>();
        for (List<ScenarioRecord> recs : byProducer.values()) {
            KafkaTxn currentTxn = null;
            long lastCommittedAt = -1;
            List<KafkaTxn> notCommitted = new ArrayList<>();
            for (ScenarioRecord r : recs) {
                KafkaTxn k = r.txn();
                if (k.endMs() < r.atMs()) {
                    violations.add("ends before its record: " + k + " at " + r.atMs());
                }
                if (currentTxn == null || k.seq() != currentTxn.seq()) {
                    // One open transaction per producer: the next starts after the previous ended.
                    if (currentTxn != null && (k.seq() <= currentTxn.seq() || r.atMs() < currentTxn.endMs())) {
                        violations.add("overlaps the previous: " + k + " at " + r.atMs() + " after " + currentTxn);
                    }
                    currentTxn = k;
                    if (k.fate() != TxnFate.COMMIT) {
                        notCommitted.add(k);
                        hangs += k.fate() == TxnFate.HANG ? 1 : 0;
                        aborts += k.fate() == TxnFate.ABORT ? 1 : 0;
                    }
                } else if (!k.equals(currentTxn)) {
                    violations.add("records of one Kafka transaction disagree: " + k + " vs " + currentTxn);
                }
                if (k.fate() == TxnFate.COMMIT) {
                    lastCommittedAt = r.atMs();
                }
            }
            // A read_committed reader moves past aborted and hanging transactions: committed
            // records of the same producer follow them, well after the abort grace.
            for (KafkaTxn k : notCommitted) {
                assertThat(lastCommittedAt).isGreaterThan(k.endMs() + params.abortGraceMs());
                assertThat(k.endMs()).isLessThan(s.lastAt());
            }
        }
        assertThat(violations).isEmpty();
        assertThat(hangs).isEqualTo(params.hangs());
        if (params.abortShare() > 0) {
            assertThat(aborts).isPositive();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void disorderStaysWithinTheBound(String name, SimulationParams params) throws Exception {
        LoadedScenario s = scenario(name, params);
        long start = params.startEpochMs();
        long maxTs = start;
        long late = 0;
        List<String> violations = new ArrayList<>();
        for (ScenarioRecord r : s.records) {
            if (r.event() == null) {
                continue;
            }
            long ts = r.event().ts();
            // Never published before its event time, never more than the bound after it, never
            // further behind the newest event time than the bound.
            long behindPublish = start + r.atMs() - ts;
            if (behindPublish < 0 || behindPublish > params.outOfOrdernessMs() || maxTs - ts > params.outOfOrdernessMs()) {
                violations.add(r.atMs() + " ms: " + r.event());
            }
            if (ts < maxTs) {
                late++;
            }
            maxTs = Math.max(maxTs, ts);
        }
        assertThat(violations).isEmpty();
        if (params.outOfOrderShare() > 0) {
            assertThat(late).isPositive();
            long stepBeforeOpen = s.byTxn.values().stream()
                    .filter(recs -> recs.get(0).event().eventType() != EventType.TRANSACTION_OPEN).count();
            long closeBeforeLastStep = s.byTxn.values().stream()
                    .filter(recs -> recs.get(recs.size() - 1).event().eventType() == EventType.STEP_DONE
                            && recs.stream().anyMatch(r -> r.event().eventType() == EventType.TRANSACTION_CLOSE))
                    .count();
            assertThat(stepBeforeOpen).isPositive();
            assertThat(closeBeforeLastStep).isPositive();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void summaryAddsUp(String name, SimulationParams params) throws Exception {
        LoadedScenario s = scenario(name, params);
        Truth.Summary sum = s.truth.summary();
        Map<Verdict, Long> byVerdict = new EnumMap<>(Verdict.class);
        long outliers = 0, alerts = 0;
        for (Truth.Transaction t : s.truth.transactions()) {
            byVerdict.merge(t.verdict(), 1L, Long::sum);
            outliers += t.outlier() ? 1 : 0;
            alerts += t.stuckAlert() ? 1 : 0;
        }
        assertThat(sum.byVerdict().keySet()).containsExactly(Verdict.values());
        for (Verdict v : Verdict.values()) {
            assertThat(sum.byVerdict().get(v)).isEqualTo(byVerdict.getOrDefault(v, 0L));
        }
        assertThat(sum.transactions()).isEqualTo(s.truth.transactions().size());
        assertThat(sum.events()).isEqualTo(s.records.size() - s.malformed.size());
        assertThat(sum.malformed()).isEqualTo(s.malformed.size());
        assertThat(sum.outliers()).isEqualTo(outliers);
        assertThat(sum.stuckAlerts()).isEqualTo(alerts);
        assertThat(sum.durationMs()).containsOnlyKeys("p50", "p90", "p95", "p99", "max");
        assertThat(sum.byType().values().stream().mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum()).sum())
                .isEqualTo(sum.transactions());
        assertThat(s.truth.timing().stuckTimeoutMs()).isEqualTo(params.stuckTimeoutMs());
        assertThat(s.truth.params()).containsEntry("seed", (int) params.seed()).containsKey("abort_share");
    }

    /**
     * The truth's velocity bursts are exactly the places where one account opens more than the
     * truth's velocity limit within its window, found from the events alone: every burst is
     * complete, and ordinary traffic never looks like one.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void velocityBurstsAreExactlyWhereAnAccountOpensTooFast(String name, SimulationParams params) throws Exception {
        LoadedScenario s = scenario(name, params);
        Truth.Timing timing = s.truth.timing();
        assertThat(timing.velocityMaxCount()).isEqualTo(params.burstSize() - 1);
        assertThat(timing.velocityWindowMs()).isEqualTo(params.burstWindowMs());
        Map<String, List<BusinessEvent>> opensByAccount = new HashMap<>();
        for (List<ScenarioRecord> recs : s.byTxn.values()) {
            BusinessEvent open = ofType(recs, EventType.TRANSACTION_OPEN).get(0).event();
            opensByAccount.computeIfAbsent((String) open.attributes().get("account"), k -> new ArrayList<>()).add(open);
        }
        // Every window holding more than the limit, merged per account while they overlap: what
        // the job's rule reports, one burst each. A burst may take in an ordinary open of its
        // account that happens to fall in its window.
        List<Set<String>> found = new ArrayList<>();
        opensByAccount.values().forEach(opens -> {
            opens.sort((x, y) -> Long.compare(x.ts(), y.ts()));
            Set<String> current = null;
            int coveredTo = -1;
            for (int last = timing.velocityMaxCount(); last < opens.size(); last++) {
                int first = last - timing.velocityMaxCount();
                if (opens.get(last).ts() - opens.get(first).ts() > timing.velocityWindowMs()) {
                    continue;
                }
                if (current == null || first > coveredTo) {
                    current = new HashSet<>();
                    found.add(current);
                }
                for (BusinessEvent o : opens.subList(first, last + 1)) {
                    current.add(o.txnId());
                }
                coveredTo = last;
            }
        });
        List<Truth.VelocityBurst> truthBursts = s.truth.velocity();
        for (Truth.VelocityBurst b : truthBursts) {
            assertThat(b.txnIds()).hasSize(params.burstSize());
            assertThat(b.lastAtMs() - b.firstAtMs()).isBetween(0L, params.burstWindowMs());
            for (String id : b.txnIds()) {
                assertThat(ofType(s.byTxn.get(id), EventType.TRANSACTION_OPEN).get(0).event().attributes())
                        .containsEntry("account", b.account());
            }
            assertThat(found).as("burst %s", b.txnIds()).filteredOn(f -> f.containsAll(b.txnIds())).hasSize(1);
        }
        for (Set<String> f : found) {
            assertThat(truthBursts).as("window %s", f).filteredOn(b -> f.containsAll(b.txnIds())).hasSize(1);
        }
        assertThat(s.truth.summary().velocityBursts()).isEqualTo(truthBursts.size());
        if (params.burstShare() > 0) {
            assertThat(truthBursts).isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void malformedRecordsAreRejectedByTheCodec(String name, SimulationParams params) throws Exception {
        LoadedScenario s = scenario(name, params);
        EventCodec codec = new EventCodec();
        if (params.malformedShare() > 0) {
            assertThat(s.malformed).isNotEmpty();
        }
        for (ScenarioRecord r : s.malformed) {
            DecodeResult result = codec.decode(r.value(codec));
            assertThat(result).as("raw value %s", r.raw()).isInstanceOf(DecodeResult.Rejected.class);
            assertThat(r.txn()).isNotNull();
        }
    }

    private static List<ScenarioRecord> ofType(List<ScenarioRecord> recs, EventType type) {
        return recs.stream().filter(r -> r.event().eventType() == type).toList();
    }

    private static long distinct(List<ScenarioRecord> recs) {
        return recs.stream().map(ScenarioRecord::event).distinct().count();
    }

    /** Longest pause between consecutive event times of one transaction. */
    private static long maxGap(List<ScenarioRecord> recs) {
        long[] ts = recs.stream().mapToLong(r -> r.event().ts()).sorted().toArray();
        long max = 0;
        for (int i = 1; i < ts.length; i++) {
            max = Math.max(max, ts[i] - ts[i - 1]);
        }
        return max;
    }
}
