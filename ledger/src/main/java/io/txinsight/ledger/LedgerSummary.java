package io.txinsight.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The transactions decided in [from, to): how many ended in each state, the median and 99th
 * percentile duration (PostgreSQL's {@code percentile_cont}, over those with a duration), and the
 * amounts by currency (over those with an amount).
 */
public record LedgerSummary(
        Instant from,
        Instant to,
        long total,
        long wasStuck,
        Map<String, Long> byState,
        Double p50DurationMs,
        Double p99DurationMs,
        List<CurrencyTotal> amounts) {

    public record CurrencyTotal(String currency, long transactions, BigDecimal amount) {}

    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("from", from.toString());
        f.put("to", to.toString());
        f.put("total", total);
        f.put("was_stuck", wasStuck);
        f.put("by_state", byState);
        f.put("p50_duration_ms", p50DurationMs);
        f.put("p99_duration_ms", p99DurationMs);
        f.put("amount_by_currency", amounts.stream().map(a -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("currency", a.currency());
            m.put("transactions", a.transactions());
            m.put("amount", a.amount());
            return m;
        }).toList());
        return f;
    }
}
