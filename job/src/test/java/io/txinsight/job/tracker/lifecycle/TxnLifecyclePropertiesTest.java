package io.txinsight.job.tracker.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.job.tracker.lifecycle.TxnScenario.Clock;
import io.txinsight.job.tracker.lifecycle.TxnScenario.Kind;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The lifecycle's promises, over random lives of one transaction ({@link TxnScenario}): random
 * order, resends and redeliveries in either view, records of aborted Kafka transactions (the
 * monitor view sees them, the committed view never does; a transaction whose every record they
 * carried, never closed, is Aborted), silences longer than the stuck timeout,
 * and a monitor clock that moves at random in between. Fixed seeds: the same cases every run.
 */
class TxnLifecyclePropertiesTest {

    @Property(tries = 400, seed = "14")
    void everyLifeEndsInExactlyOneFinalDecisionAndNothingFollowsIt(@ForAll long seed) {
        TxnScenario scenario = new TxnScenario(seed, Clock.CORRECT, false);
        OneTransaction txn = scenario.run(1);
        List<Decision> log = txn.decisions();

        List<Decision> finals = log.stream().filter(d -> d instanceof Decision.Final).collect(Collectors.toList());
        assertThat(finals).as("final decisions of\n%s", scenario).hasSize(1);
        List<Decision> after = log.subList(log.indexOf(finals.get(0)) + 1, log.size());
        assertThat(after).as("after the final decision of\n%s", scenario)
                .allMatch(d -> d instanceof Decision.Duplicate || d instanceof Decision.Late);
        assertThat(txn.nothingLeft()).as("state or wake-up left by\n%s", scenario).isTrue();
    }

    @Property(tries = 400, seed = "15")
    void theVerdictIsTheOneTheKafkaTransactionsMade(@ForAll long seed) {
        TxnScenario scenario = new TxnScenario(seed, Clock.CORRECT, false);
        Decision last = scenario.run(1).decisions().stream()
                .filter(d -> d instanceof Decision.Final).findFirst().orElseThrow();
        if (scenario.kind == Kind.COMMITTED) {
            assertThat(last).as("%s", scenario).isInstanceOf(Decision.Close.class);
            assertThat(((Decision.Close) last).result()).isEqualTo(scenario.status);
        } else if (scenario.kind == Kind.ABORTED || scenario.rolledBackWhole) {
            assertThat(last).as("%s", scenario).isInstanceOf(Decision.Abort.class);
        } else {
            assertThat(last).as("%s", scenario).isInstanceOf(Decision.Expire.class);
        }
    }

    @Property(tries = 400, seed = "16")
    void oneStuckAlertPerSilence(@ForAll long seed) {
        // Live: the clock keeps up with the monitor view, which sees everything first. Every silence
        // longer than the timeout is seen as it happens, and each gets exactly one alert.
        TxnScenario scenario = new TxnScenario(seed, Clock.KEEPS_UP, true);
        List<Long> raised = scenario.run(1).decisions().stream()
                .filter(d -> d instanceof Decision.RaiseStuck)
                .map(d -> ((Decision.RaiseStuck) d).at())
                .collect(Collectors.toList());
        assertThat(raised).as("stuck alerts of\n%s", scenario).isEqualTo(scenario.owedAlerts());
    }

    @Property(tries = 400, seed = "17")
    void theSameAnswersWhetherTheClockJumpsOrCreeps(@ForAll long seed) {
        // Any clock, late events included: deciding each deadline as of itself makes the answers
        // depend on where the clock stands at each event, not on the steps it took to get there.
        TxnScenario scenario = new TxnScenario(seed, Clock.values()[(int) Math.floorMod(seed, 3L)], seed % 2 == 0);
        List<Decision> jumping = scenario.run(1).decisions();
        List<Decision> creeping = scenario.run(7).decisions();
        assertThat(creeping).as("creeping vs jumping clock in\n%s", scenario).isEqualTo(jumping);
    }
}
