package io.txinsight.job.tracker.lifecycle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** The decisions of one lifecycle step, in order, and the transaction they are about. */
public final class Decisions implements Iterable<Decision> {
    /** Made on the first decision: most events decide nothing beyond what the state records. */
    private List<Decision> decisions;
    private TxnState txn;
    private boolean ended;

    Decisions(TxnState txn) {
        this.txn = txn;
    }

    void add(Decision d) {
        if (decisions == null) {
            decisions = new ArrayList<>(4);
        }
        decisions.add(d);
    }

    void end(Decision.Final d) {
        add(d);
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
        return decisions == null ? Collections.emptyIterator() : decisions.iterator();
    }

    /** The decisions as a list; for tests. */
    public List<Decision> asList() {
        return decisions == null ? List.of() : List.copyOf(decisions);
    }
}
