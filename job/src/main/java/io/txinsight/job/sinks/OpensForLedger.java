package io.txinsight.job.sinks;

import io.txinsight.events.EventType;
import io.txinsight.job.records.ViewEvent;
import io.txinsight.ledger.TransactionOpen;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The opens of the monitor view as the first half of their ledger rows (docs/ledger.md §1): the
 * tracker does not keep the financial attributes (its state budget per transaction is small), so
 * they go to the ledger straight from the open, keyed like the outcome (txn_id, life = the open's
 * event time). A duplicate open writes the same half again, which changes nothing.
 */
public final class OpensForLedger implements FlatMapFunction<ViewEvent, TransactionOpen> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(ViewEvent e, Collector<TransactionOpen> out) {
        if (e.eventType == EventType.TRANSACTION_OPEN) {
            out.collect(new TransactionOpen(e.txnId, e.ts, e.txnType, e.account, e.amount, e.currency, e.merchant,
                    e.category));
        }
    }
}
