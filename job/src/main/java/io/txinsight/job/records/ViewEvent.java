package io.txinsight.job.records;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import io.txinsight.events.OpenAttributes;
import java.math.BigDecimal;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A business event as the job sees it: the event fields it needs, the financial attributes of an
 * open ({@link OpenAttributes}; every other attribute is dropped), the view it came through, and
 * where it sits in Kafka (for the abort evidence of docs/design.md §4).
 *
 * <p>Every event crosses the network at {@code keyBy}, so it has its own serializer
 * ({@link ViewEventSerializer}) rather than Flink's reflective POJO one; the public fields and the
 * no-arg constructor stay for the code that builds and reads events.
 */
@TypeInfo(ViewEventTypeInfo.Factory.class)
public class ViewEvent {
    public View view;
    public EventType eventType;
    public String txnId;
    /** Event time, epoch ms. */
    public long ts;
    public String step;
    public String txnType;
    public CloseStatus status;
    public String topic;
    public int partition;
    public long offset;
    /** Wall-clock ms when the job decoded it; commit latency is measured with it. */
    public long seenAtMs;
    // The open's financial attributes; null on other events, and where missing or mistyped.
    public String account;
    /** Exact, as sent (125.50 keeps its scale). */
    public BigDecimal amount;
    public String currency;
    public String merchant;
    public String category;
    /** What was wrong with the open's attributes: {@link OpenAttributes#problemBits()}; 0 if nothing. */
    public int attributeProblems;

    public ViewEvent() {}

    public static ViewEvent of(
            View view, BusinessEvent e, String topic, int partition, long offset, long seenAtMs) {
        ViewEvent v = new ViewEvent();
        v.view = view;
        v.eventType = e.eventType();
        v.txnId = e.txnId();
        v.ts = e.ts();
        v.step = e.step();
        v.txnType = e.txnType();
        v.status = e.status();
        v.topic = topic;
        v.partition = partition;
        v.offset = offset;
        v.seenAtMs = seenAtMs;
        if (v.eventType == EventType.TRANSACTION_OPEN) {
            OpenAttributes a = OpenAttributes.of(e.attributes());
            v.account = a.account();
            v.amount = a.amount();
            v.currency = a.currency();
            v.merchant = a.merchant();
            v.category = a.category();
            v.attributeProblems = a.problemBits();
        }
        return v;
    }

    @Override
    public String toString() {
        return view.label() + " " + eventType.wireName() + " " + txnId + " ts=" + ts
                + (step == null ? "" : " step=" + step) + " @" + topic + "-" + partition + ":" + offset;
    }
}
