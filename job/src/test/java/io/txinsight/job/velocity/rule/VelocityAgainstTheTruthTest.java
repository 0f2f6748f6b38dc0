package io.txinsight.job.velocity.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.EventType;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.Truth;
import io.txinsight.events.VelocityAlert;
import io.txinsight.job.velocity.rule.AccountOpens.Open;
import io.txinsight.simulator.Presets;
import io.txinsight.simulator.SimulationParams;
import io.txinsight.simulator.Workload;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rule with its default limits, fed every preset's opens the way the monitor view delivers
 * them (publishing order, resends included, the clock trailing the newest event by the disorder
 * bound), finds exactly the simulator's velocity bursts: one alert per burst, none elsewhere. So
 * the defaults match what the simulator calls a burst, and ordinary traffic (amounts included)
 * never trips them. The end-to-end tests and the demo check the same through Kafka and Flink.
 */
class VelocityAgainstTheTruthTest {

    static Stream<String> presets() {
        return Presets.all().keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void theDefaultRuleFindsExactlyTheSimulatorsBursts(String preset) throws Exception {
        SimulationParams params = Presets.named(preset);
        if (preset.equals("high_throughput")) {
            params = params.toBuilder().count(5_000).durationMs(10_000).build();
        }
        VelocityRule rule = new VelocityRule(VelocitySettings.DEFAULTS);
        Map<String, AccountOpens> accounts = new HashMap<>();
        List<VelocityAlert> alerts = new ArrayList<>();
        long[] clock = {Long.MIN_VALUE, Long.MIN_VALUE}; // {watermark, newest event time}
        long disorder = params.outOfOrdernessMs();

        List<ScenarioRecord> records = new ArrayList<>();
        Truth truth = new Workload(params).run(records::add, null);
        for (ScenarioRecord r : records) {
            BusinessEvent e = r.event();
            if (e == null) {
                continue;
            }
            clock[1] = Math.max(clock[1], e.ts());
            advance(rule, accounts, alerts, clock[1] - disorder - 1, clock);
            if (e.eventType() == EventType.TRANSACTION_OPEN) {
                String account = (String) e.attributes().get("account");
                AccountOpens held = accounts.computeIfAbsent(account, k -> new AccountOpens());
                BigDecimal amount = (BigDecimal) e.attributes().get("amount");
                VelocityRule.Step step = rule.onOpen(account, held, new Open(e.ts(), e.txnId(), e.txnType(), amount),
                        clock[0]);
                assertThat(step.late()).as("no open of a preset is late").isFalse();
                alerts.addAll(step.alerts());
            }
        }
        advance(rule, accounts, alerts, Long.MAX_VALUE - 1, clock);

        assertThat(accounts).as("every account left state").isEmpty();
        assertThat(truth.velocity()).hasSize((int) truth.summary().velocityBursts());
        for (Truth.VelocityBurst burst : truth.velocity()) {
            assertThat(alerts).as("alerts for burst %s", burst.txnIds())
                    .filteredOn(a -> a.account().equals(burst.account()) && a.txnIds().containsAll(burst.txnIds()))
                    .hasSize(1);
        }
        for (VelocityAlert a : alerts) {
            assertThat(truth.velocity()).as("bursts of alert %s", a)
                    .filteredOn(b -> a.account().equals(b.account()) && a.txnIds().containsAll(b.txnIds()))
                    .hasSize(1);
        }
    }

    /** Moves the watermark and fires the accounts' timers that are due, earliest first. */
    private static void advance(VelocityRule rule, Map<String, AccountOpens> accounts, List<VelocityAlert> alerts,
            long watermark, long[] clock) {
        if (watermark <= clock[0]) {
            return;
        }
        clock[0] = watermark;
        for (var it = accounts.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            AccountOpens held = entry.getValue();
            while (held.timerTs != AccountOpens.NO_TIMER && held.timerTs <= watermark) {
                long at = held.timerTs;
                held.timerTs = AccountOpens.NO_TIMER;
                alerts.addAll(rule.onClock(entry.getKey(), held, at).alerts());
            }
            if (held.isEmpty()) {
                assertThat(held.timerTs).isEqualTo(AccountOpens.NO_TIMER);
                it.remove();
            }
        }
    }
}
