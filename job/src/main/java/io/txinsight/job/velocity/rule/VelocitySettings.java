package io.txinsight.job.velocity.rule;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Which velocity rule judges which opens. A transaction type with limits of its own is judged by
 * its own rule, over that type's opens of the account only; every other type shares the default
 * rule, over all their opens of the account together. So {@code --velocity-count.withdrawal=2}
 * watches withdrawals apart, and may be stricter or looser than the default, exactly as a type's
 * own stuck timeout replaces the default one.
 *
 * <p>{@link #DEFAULTS} match what the simulator calls a burst (6 transactions of one account within
 * 3 s): more than 5 opens within 3 s. Their amount limit is far above what one account of the
 * simulator moves in 3 s without a burst, so ordinary traffic never trips it.
 *
 * @param defaults the rule of every type without limits of its own
 * @param byType limits of types with a rule of their own
 */
public record VelocitySettings(VelocityLimits defaults, Map<String, VelocityLimits> byType) implements Serializable {

    public static final VelocitySettings DEFAULTS =
            new VelocitySettings(new VelocityLimits(5, new BigDecimal("50000"), 3_000), Map.of());

    public VelocitySettings {
        byType = byType == null ? Map.of() : Map.copyOf(byType);
    }

    /** The rule an open of {@code txnType} is judged by: the type itself, or null for the default rule. */
    public String ruleOf(String txnType) {
        return txnType != null && byType.containsKey(txnType) ? txnType : null;
    }

    /** The limits of a rule ({@link #ruleOf}). */
    public VelocityLimits limits(String rule) {
        return rule == null ? defaults : byType.get(rule);
    }

    /** The longest window of any rule: how long an open may matter. */
    public long longestWindowMs() {
        long w = defaults.windowMs();
        for (VelocityLimits l : byType.values()) {
            w = Math.max(w, l.windowMs());
        }
        return w;
    }

    public VelocitySettings withDefaults(VelocityLimits limits) {
        return new VelocitySettings(limits, byType);
    }

    public VelocitySettings withByType(Map<String, VelocityLimits> limits) {
        return new VelocitySettings(defaults, limits);
    }
}
