package io.txinsight.simulator.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The transaction types the simulator knows, with step latencies in the range of a card or
 * banking backend (tens of milliseconds per call, a few hundred end to end).
 *
 * <p>Spreads are modest on purpose: a natural transaction almost never exceeds 3x its type's
 * median, so an injected slow step (many times the median) is unambiguous for the job's
 * "duration above 4x the running median" outlier rule.
 */
public final class TransactionTypes {

    private static final Map<String, TransactionType> STANDARD = new LinkedHashMap<>();
    private static final List<String> SHOPS = List.of(
            "Acme Grocers", "Blue Harbor Cafe", "Northwind Electronics", "Skyline Airways", "Metro Fuel",
            "Urban Threads", "Corner Bakery", "Pixel Games", "Riverside Books", "Harbor Hotels",
            "Sunrise Market", "Atlas Hardware", "Velvet Cinema", "Orbit Telecom", "Maple Furniture");

    static {
        add(new TransactionType(
                "payment",
                List.of(step("validate", 12, 0.3), step("fraud_check", 45, 0.35),
                        step("reserve_funds", 25, 0.3), step("settle", 70, 0.35)),
                new LogNormal(6, 0.4), 42.0,
                List.of("groceries", "restaurants", "electronics", "travel", "fuel", "clothing"),
                SHOPS));
        add(new TransactionType(
                "transfer",
                List.of(step("validate", 12, 0.3), step("compliance_check", 90, 0.35),
                        step("debit", 30, 0.3), step("credit", 30, 0.3), step("confirm", 18, 0.3)),
                new LogNormal(8, 0.4), 250.0,
                List.of("p2p", "rent", "savings", "family"),
                List.of("Online Banking", "Mobile App", "Standing Order")));
        add(new TransactionType(
                "deposit",
                List.of(step("validate", 10, 0.3), step("credit", 35, 0.3), step("notify", 15, 0.35)),
                new LogNormal(5, 0.4), 500.0,
                List.of("salary", "cash_in", "interest"),
                List.of("Payroll", "Branch", "Cash Deposit Machine")));
        add(new TransactionType(
                "withdrawal",
                List.of(step("validate", 10, 0.3), step("limit_check", 20, 0.3),
                        step("debit", 35, 0.3), step("dispense", 120, 0.35)),
                new LogNormal(6, 0.4), 100.0,
                List.of("atm", "branch"),
                List.of("ATM", "Branch Counter")));
        add(new TransactionType(
                "refund",
                List.of(step("lookup_original", 30, 0.35), step("validate", 12, 0.3),
                        step("credit", 40, 0.3), step("notify", 15, 0.35)),
                new LogNormal(6, 0.4), 35.0,
                List.of("groceries", "electronics", "travel", "clothing"),
                SHOPS));
    }

    private TransactionTypes() {}

    private static void add(TransactionType t) {
        STANDARD.put(t.name(), t);
    }

    private static TransactionType.Step step(String name, double medianMs, double sigma) {
        return new TransactionType.Step(name, new LogNormal(medianMs, sigma));
    }

    /** The known types by name, in a fixed order. */
    public static Map<String, TransactionType> standard() {
        return java.util.Collections.unmodifiableMap(STANDARD);
    }

    public static TransactionType named(String name) {
        TransactionType t = STANDARD.get(name);
        if (t == null) {
            throw new IllegalArgumentException(
                    "unknown transaction type '" + name + "'; known types: " + String.join(", ", STANDARD.keySet()));
        }
        return t;
    }

    /** The default mix, weights in percent of arrivals. */
    public static Map<String, Double> defaultMix() {
        Map<String, Double> mix = new LinkedHashMap<>();
        mix.put("payment", 50.0);
        mix.put("transfer", 15.0);
        mix.put("deposit", 12.0);
        mix.put("withdrawal", 13.0);
        mix.put("refund", 10.0);
        return mix;
    }
}
