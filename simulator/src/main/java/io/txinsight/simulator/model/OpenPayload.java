package io.txinsight.simulator.model;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The financial payload a {@code transaction_open} carries: account, amount (two decimals),
 * currency, merchant and category.
 *
 * <p>An account keeps its currency for the whole scenario, as a real account does; amounts are
 * lognormal around the type's typical amount (many small, a few large); merchants are the type's
 * base names with a location number ("Metro Fuel #7").
 */
public final class OpenPayload {

    private static final String[] CURRENCIES = {"EUR", "EUR", "EUR", "EUR", "USD", "USD", "USD", "GBP", "GBP", "CHF"};
    private static final int LOCATIONS = 12;
    private static final double AMOUNT_SIGMA = 0.9;

    private final String[] accountIds;
    private final Map<String, String[]> merchantsByType = new LinkedHashMap<>();

    public OpenPayload(int accounts) {
        accountIds = new String[accounts];
        int width = Math.max(5, Integer.toString(accounts - 1).length());
        for (int i = 0; i < accounts; i++) {
            accountIds[i] = "acc-" + pad(i, width);
        }
    }

    /** The id of account number {@code account} ({@code acc-00042}). */
    public String accountId(int account) {
        return accountIds[account];
    }

    public Map<String, Object> forOpen(TransactionType type, int account, SplittableRandom rng) {
        long cents = Math.max(1L, Math.round(type.medianAmount() * 100 * Math.exp(AMOUNT_SIGMA * rng.nextGaussian())));
        String[] merchants = merchantsByType.computeIfAbsent(type.name(), k -> merchantNames(type.merchants()));
        Map<String, Object> attrs = new LinkedHashMap<>(8);
        attrs.put("account", accountIds[account]);
        attrs.put("amount", BigDecimal.valueOf(cents, 2));
        attrs.put("currency", CURRENCIES[account % CURRENCIES.length]);
        attrs.put("merchant", merchants[rng.nextInt(merchants.length)]);
        attrs.put("category", type.categories().get(rng.nextInt(type.categories().size())));
        return attrs;
    }

    private static String[] merchantNames(List<String> base) {
        String[] names = new String[base.size() * LOCATIONS];
        for (int i = 0; i < names.length; i++) {
            names[i] = base.get(i % base.size()) + " #" + (i / base.size() + 1);
        }
        return names;
    }

    /** Zero-padded decimal, without String.format (it is on the hot path of id generation). */
    public static String pad(long value, int width) {
        String s = Long.toString(value);
        if (s.length() >= width) {
            return s;
        }
        StringBuilder sb = new StringBuilder(width);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s).toString();
    }
}
