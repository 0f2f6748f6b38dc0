package io.txinsight.job.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.job.collector.OpenKafkaTransaction.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class HangingRuleTest {
    private static final long MAX = 15 * 60_000L;
    private static final long NOW = 100 * 60_000L;
    private final HangingRule rule = new HangingRule(MAX, 5 * 60_000L);

    private Kind silentFor(long silenceMs, String transactionalId, boolean described, List<String> listed) {
        return rule.classify(NOW, NOW - silenceMs, NOW - silenceMs, transactionalId, described, listed, "events-0");
    }

    @Test
    void silentPastTheMaxTimeoutAndUnknownToTheCoordinatorIsHanging() {
        assertThat(silentFor(MAX + 1, null, false, List.of())).isEqualTo(Kind.HANGING);
        assertThat(silentFor(MAX + 1, "producer-1", false, List.of())).isEqualTo(Kind.HANGING);
        assertThat(silentFor(MAX + 1, "producer-1", true, List.of("events-1"))).isEqualTo(Kind.HANGING);
    }

    @Test
    void aTransactionTheCoordinatorAccountsForIsNeverHanging() {
        assertThat(silentFor(MAX + 1, "producer-1", true, List.of("events-0", "events-1"))).isEqualTo(Kind.LONG_OPEN);
    }

    @Test
    void aProducerThatWroteWithinTheMaxTimeoutIsNotHangingWhateverTheCoordinatorSays() {
        assertThat(silentFor(MAX, null, false, List.of())).isEqualTo(Kind.LONG_OPEN);
        assertThat(silentFor(1_000, null, false, List.of())).isEqualTo(Kind.OPEN);
    }

    @Test
    void longOpenCountsFromTheStartOfTheTransactionNotTheLastWrite() {
        long started = NOW - 6 * 60_000L;
        assertThat(rule.classify(NOW, NOW - 1_000, started, "producer-1", true, List.of("events-0"), "events-0"))
                .isEqualTo(Kind.LONG_OPEN);
        assertThat(rule.classify(NOW, NOW - 1_000, NOW - 60_000, "producer-1", true, List.of("events-0"), "events-0"))
                .isEqualTo(Kind.OPEN);
    }
}
