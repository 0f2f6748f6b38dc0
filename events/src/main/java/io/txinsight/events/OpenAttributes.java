package io.txinsight.events;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The financial attributes of a {@code transaction_open} that txinsight reads (docs/events.md §1):
 * the account, the amount (an exact decimal), its currency, the merchant and the category. Every
 * other attribute is the producer's business and is ignored.
 *
 * <p>An attribute that is missing, or of the wrong JSON type, is null here and named in {@link
 * #problems()}. It never rejects the record and never changes a verdict: the attributes feed the
 * statistics and the ledger, not the lifecycle.
 *
 * @param problems what was wrong with the attributes, in the order of {@link #NAMES}; empty when
 *     all five are there and well typed
 */
public record OpenAttributes(
        String account, BigDecimal amount, String currency, String merchant, String category, List<Problem> problems) {

    public static final String ACCOUNT = "account";
    public static final String AMOUNT = "amount";
    public static final String CURRENCY = "currency";
    public static final String MERCHANT = "merchant";
    public static final String CATEGORY = "category";
    /** The attributes read, in a fixed order (that of {@link #problemBits()}). */
    public static final List<String> ORDER = List.of(ACCOUNT, AMOUNT, CURRENCY, MERCHANT, CATEGORY);
    /** The attributes read; a decoder that keeps only these need build nothing else. */
    public static final Set<String> NAMES = Set.copyOf(ORDER);

    /** Why an attribute could not be read. */
    public enum Reason implements WireNamed {
        /** Absent, or JSON null. */
        MISSING,
        /** Present with another JSON type than the contract's (a number where text is expected, …). */
        WRONG_TYPE
    }

    /** One attribute that could not be read, and why. */
    public record Problem(String attribute, Reason reason) {}

    public OpenAttributes {
        problems = List.copyOf(problems);
    }

    /** Reads the five attributes out of a decoded {@code attributes} object. */
    public static OpenAttributes of(Map<String, Object> attributes) {
        List<Problem> problems = new ArrayList<>(0);
        String account = text(attributes, ACCOUNT, problems);
        BigDecimal amount = decimal(attributes, AMOUNT, problems);
        String currency = text(attributes, CURRENCY, problems);
        String merchant = text(attributes, MERCHANT, problems);
        String category = text(attributes, CATEGORY, problems);
        return new OpenAttributes(account, amount, currency, merchant, category, problems);
    }

    /**
     * The problems as bits, two per attribute in {@link #ORDER} (missing, wrong type): what a record
     * carries of them across the network, where a list would need a serializer of its own.
     */
    public int problemBits() {
        int bits = 0;
        for (Problem p : problems) {
            bits |= 1 << (2 * ORDER.indexOf(p.attribute()) + p.reason().ordinal());
        }
        return bits;
    }

    /** The problems {@link #problemBits()} made into bits, in {@link #ORDER}. */
    public static List<Problem> problemsOf(int bits) {
        List<Problem> problems = new ArrayList<>(0);
        for (int i = 0; i < ORDER.size(); i++) {
            for (Reason r : Reason.values()) {
                if ((bits & (1 << (2 * i + r.ordinal()))) != 0) {
                    problems.add(new Problem(ORDER.get(i), r));
                }
            }
        }
        return problems;
    }

    private static String text(Map<String, Object> attributes, String name, List<Problem> problems) {
        Object value = attributes.get(name);
        if (value instanceof String s) {
            return s;
        }
        problems.add(new Problem(name, value == null ? Reason.MISSING : Reason.WRONG_TYPE));
        return null;
    }

    /**
     * A JSON number, kept exact. The codec decodes decimals as {@link BigDecimal} and integers as
     * Integer, Long or BigInteger; an amount sent as text ("12.50") is of the wrong type.
     */
    private static BigDecimal decimal(Map<String, Object> attributes, String name, List<Problem> problems) {
        Object value = attributes.get(name);
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (value instanceof Integer || value instanceof Long) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        problems.add(new Problem(name, value == null ? Reason.MISSING : Reason.WRONG_TYPE));
        return null;
    }
}
