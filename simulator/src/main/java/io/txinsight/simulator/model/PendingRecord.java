package io.txinsight.simulator.model;

import io.txinsight.events.BusinessEvent;

/** A business event waiting for its publish time; ordered by that time, then by creation. */
public final class PendingRecord implements Comparable<PendingRecord> {

    public final long at;
    public final long order;
    public final PlannedTransaction txn;
    public final BusinessEvent event;

    PendingRecord(long at, long order, PlannedTransaction txn, BusinessEvent event) {
        this.at = at;
        this.order = order;
        this.txn = txn;
        this.event = event;
    }

    @Override
    public int compareTo(PendingRecord o) {
        int c = Long.compare(at, o.at);
        return c != 0 ? c : Long.compare(order, o.order);
    }
}
