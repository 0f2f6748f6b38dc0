package io.txinsight.events;

/** What {@link EventCodec#decode(byte[])} makes of a record: an event, or a reason why not. */
public sealed interface DecodeResult permits DecodeResult.Accepted, DecodeResult.Rejected {

    record Accepted(BusinessEvent event) implements DecodeResult {}

    record Rejected(Rejection rejection) implements DecodeResult {}

    default boolean isAccepted() {
        return this instanceof Accepted;
    }

    /** The event; throws {@link IllegalStateException} on a rejection (a programming error). */
    default BusinessEvent event() {
        if (this instanceof Accepted a) {
            return a.event();
        }
        throw new IllegalStateException("not an event: " + ((Rejected) this).rejection().message());
    }

    /** The rejection; throws {@link IllegalStateException} on an accepted event. */
    default Rejection rejection() {
        if (this instanceof Rejected r) {
            return r.rejection();
        }
        throw new IllegalStateException("record was accepted");
    }
}
