package io.txinsight.job.velocity.rule;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * What the velocity rule remembers of one account: its recent opens, in event-time order, and the
 * bursts in progress (one per rule at most). Only the {@link VelocityRule} changes it.
 *
 * <p>Opens later than {@link #judgedTo} wait for the clock to reach them ({@link #pending}), so
 * that they are judged in event-time order whatever order they arrived in. Judged opens stay while
 * a later open could still share a window with them, then leave; an account with neither opens nor
 * bursts is no state at all.
 *
 * <p>Kept in Flink as bytes of its own format ({@link #encode}, {@link #decode}), versioned, so the
 * state needs no Kryo and can evolve.
 */
public final class AccountOpens {

    /** Value of {@link #timerTs} while no timer is registered. */
    public static final long NO_TIMER = Long.MIN_VALUE;

    private static final byte FORMAT = 1;

    /** One transaction_open of the account. */
    public static final class Open {
        final long ts;
        final String txnId;
        final String txnType;
        /** Null when the open carried no usable amount: it then counts, but adds nothing to the sum. */
        final BigDecimal amount;
        /** Already a member of its rule's burst in progress. */
        boolean inBurst;

        public Open(long ts, String txnId, String txnType, BigDecimal amount) {
            this.ts = ts;
            this.txnId = txnId;
            this.txnType = txnType;
            this.amount = amount;
        }
    }

    /** A burst in progress: the opens that broke its rule (and shared their windows) so far. */
    static final class Burst {
        /** The rule: a type with limits of its own, or null for the default rule. */
        final String rule;
        int count;
        /** Null while no member carried an amount. */
        BigDecimal amount;
        long firstAt;
        long lastAt;
        /** The burst is over once the clock reaches this without a new open breaking the rule. */
        long until;
        final List<String> txnIds = new ArrayList<>();

        Burst(String rule) {
            this.rule = rule;
        }
    }

    final List<Open> opens = new ArrayList<>();
    final List<Burst> bursts = new ArrayList<>(1);
    /** The clock up to which opens have been judged. */
    long judgedTo = Long.MIN_VALUE;
    /** The event-time timer registered for this account, or {@link #NO_TIMER}. */
    public long timerTs = NO_TIMER;

    /** Nothing left: the account leaves state. */
    public boolean isEmpty() {
        return opens.isEmpty() && bursts.isEmpty();
    }

    /** How many opens are held (judged or waiting); for tests and the bench. */
    public int opens() {
        return opens.size();
    }

    /** Opens not judged yet: later than the clock when they arrived. */
    int pending() {
        int n = 0;
        for (Open o : opens) {
            if (o.ts > judgedTo) {
                n++;
            }
        }
        return n;
    }

    boolean holds(String txnId) {
        for (Open o : opens) {
            if (o.txnId.equals(txnId)) {
                return true;
            }
        }
        return false;
    }

    /** Inserts in event-time order, after any open of the same time (arrival order breaks ties). */
    void insert(Open open) {
        int i = opens.size();
        while (i > 0 && opens.get(i - 1).ts > open.ts) {
            i--;
        }
        opens.add(i, open);
    }

    Burst burstOf(String rule) {
        for (Burst b : bursts) {
            if (java.util.Objects.equals(b.rule, rule)) {
                return b;
            }
        }
        return null;
    }

    // --- state as bytes ---

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + opens.size() * 40);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(timerTs);
            out.writeLong(judgedTo);
            out.writeInt(opens.size());
            for (Open o : opens) {
                out.writeLong(o.ts);
                out.writeUTF(o.txnId);
                writeNullable(out, o.txnType);
                writeNullable(out, o.amount == null ? null : o.amount.toString());
                out.writeBoolean(o.inBurst);
            }
            out.writeInt(bursts.size());
            for (Burst b : bursts) {
                writeNullable(out, b.rule);
                out.writeInt(b.count);
                writeNullable(out, b.amount == null ? null : b.amount.toString());
                out.writeLong(b.firstAt);
                out.writeLong(b.lastAt);
                out.writeLong(b.until);
                out.writeInt(b.txnIds.size());
                for (String id : b.txnIds) {
                    out.writeUTF(id);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static AccountOpens decode(byte[] data) {
        AccountOpens a = new AccountOpens();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("velocity state of format " + format + "; this job reads format " + FORMAT);
            }
            a.timerTs = in.readLong();
            a.judgedTo = in.readLong();
            for (int i = in.readInt(); i > 0; i--) {
                long ts = in.readLong();
                String txnId = in.readUTF();
                String type = readNullable(in);
                String amount = readNullable(in);
                Open o = new Open(ts, txnId, type, amount == null ? null : new BigDecimal(amount));
                o.inBurst = in.readBoolean();
                a.opens.add(o);
            }
            for (int i = in.readInt(); i > 0; i--) {
                Burst b = new Burst(readNullable(in));
                b.count = in.readInt();
                String amount = readNullable(in);
                b.amount = amount == null ? null : new BigDecimal(amount);
                b.firstAt = in.readLong();
                b.lastAt = in.readLong();
                b.until = in.readLong();
                for (int j = in.readInt(); j > 0; j--) {
                    b.txnIds.add(in.readUTF());
                }
                a.bursts.add(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return a;
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
