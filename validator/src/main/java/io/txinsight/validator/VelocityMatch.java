package io.txinsight.validator;

import io.txinsight.events.Truth;
import io.txinsight.events.VelocityAlert;
import java.util.Collection;
import java.util.List;

/**
 * Velocity alerts against the truth's bursts. An alert finds a burst when it names the burst's
 * account and shares a transaction with it, or, failing that, their times overlap. The lists of
 * ids need not be equal: a burst may take in an ordinary open of its account that fell into its
 * window, and an alert lists at most {@value VelocityAlert#MAX_TXN_IDS} transactions. The times
 * alone would not do: a replay with {@code --rebase-time} (the demo's) moves every event time
 * away from the truth's.
 */
final class VelocityMatch {

    private VelocityMatch() {}

    static boolean finds(VelocityAlert alert, Truth.VelocityBurst burst) {
        if (alert.account() == null || !alert.account().equals(burst.account())) {
            return false;
        }
        return alert.txnIds().stream().anyMatch(burst.txnIds()::contains)
                || (alert.firstAtMs() <= burst.lastAtMs() && burst.firstAtMs() <= alert.lastAtMs());
    }

    /** Precision: alerts that find a burst; recall: bursts that an alert finds. */
    static Validation.Score score(List<Truth.VelocityBurst> bursts, Collection<VelocityAlert> alerts) {
        long correct = alerts.stream().filter(a -> bursts.stream().anyMatch(b -> finds(a, b))).count();
        long found = bursts.stream().filter(b -> alerts.stream().anyMatch(a -> finds(a, b))).count();
        // Recall is what the score's true positives stand for; precision gets its own count.
        Validation.Score byBursts = Validation.Score.of("velocity", bursts.size(), alerts.size(), found);
        return new Validation.Score("velocity", bursts.size(), alerts.size(), found,
                alerts.isEmpty() ? null : (double) correct / alerts.size(), byBursts.recall());
    }

    /** Whether every burst has been found. */
    static boolean allFound(List<Truth.VelocityBurst> bursts, Collection<VelocityAlert> alerts) {
        return bursts.stream().allMatch(b -> alerts.stream().anyMatch(a -> finds(a, b)));
    }
}
