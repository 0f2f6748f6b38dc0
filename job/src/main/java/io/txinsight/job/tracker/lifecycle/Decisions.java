package io.txinsight.job.tracker.lifecycle;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The decisions of one lifecycle step, in order, and the transaction they are about. */
public final class Decisions implements Iterable<Decision> {
    private final List<Decision> decisions = new ArrayList<>(4);
    private TxnState txn;
    private boolean ended;

    Decisions(TxnState txn) {
        this.txn = txn;
    }

    void add(Decision d) {
        decisions.add(d);
    }

    void end(Decision.Final d) {
        decisions.add(d);
        ended = true;
    }

    void about(TxnState txn) {
        this.txn = txn;
    }

    /**
     * The transaction as the lifecycle now knows it; still readable after a final decision (its
     * outcome is built from it). Null when there is no transaction (a straggler of a closed one).
     */
    public TxnState txn() {
        return txn;
    }

    /** Whether a final decision was taken: the transaction must leave no state behind. */
    public boolean ended() {
        return ended;
    }

    @Override
    public Iterator<Decision> iterator() {
        return decisions.iterator();
    }

    /** The decisions as a list; for tests. */
    public List<Decision> asList() {
        return List.copyOf(decisions);
    }
}
