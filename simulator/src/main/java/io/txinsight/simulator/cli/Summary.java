package io.txinsight.simulator.cli;

import io.txinsight.events.Truth;
import io.txinsight.events.Verdict;
import io.txinsight.simulator.SimulationParams;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** The few lines a run prints about what it produced. */
final class Summary {

    private Summary() {}

    static void printScenario(PrintWriter out, SimulationParams p, Truth truth, double seconds) {
        Truth.Summary s = truth.summary();
        long records = s.events() + s.malformed();
        out.printf(Locale.ROOT, "Scenario '%s' (seed %d): %,d transactions, %,d events, %,d malformed records"
                        + " over %.1f s of scenario time%n",
                p.name(), p.seed(), s.transactions(), s.events(), s.malformed(), p.spanMs() / 1000.0);
        if (seconds > 0 && records >= 100_000) {
            // Only for runs big enough for the rate to mean something beyond JVM start-up.
            out.printf(Locale.ROOT, "  generated in %.2f s (%,.0f records/s)%n", seconds, records / seconds);
        } else if (seconds > 0) {
            out.printf(Locale.ROOT, "  generated in %.2f s%n", seconds);
        }
        StringBuilder verdicts = new StringBuilder();
        for (Map.Entry<Verdict, Long> e : s.byVerdict().entrySet()) {
            if (verdicts.length() > 0) {
                verdicts.append(", ");
            }
            verdicts.append(e.getKey().wireName()).append(' ').append(e.getValue());
        }
        out.println("  truth: " + verdicts + "; " + s.stuckAlerts() + " stuck alerts, " + s.outliers() + " outliers");
        if (s.durationMs() != null) {
            Map<String, Long> d = s.durationMs();
            out.printf(Locale.ROOT, "  duration of closed transactions: p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n",
                    d.get("p50"), d.get("p90"), d.get("p99"), d.get("max"));
        }
    }
}
