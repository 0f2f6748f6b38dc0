package io.txinsight.replayer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Stands in for Kafka: writes down every call with the fake clock's time, and can make each send
 * take time (to show that slow publishing does not turn into drift).
 */
final class RecordingPublisher implements Publisher {

    /** One call: what, for which producer, at which replay time (ms on the fake clock). */
    record Call(double atMs, String what, String producer, String topic, String key, byte[] value) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1f %s %s%s", atMs, what, producer == null ? "-" : producer,
                    key == null ? "" : " " + topic + "/" + key);
        }
    }

    final List<Call> calls = new ArrayList<>();
    private final FakeClock clock;
    private long sendCostNanos;
    private ScheduleLag lag;
    Setup setup;
    boolean closed;
    Consumer<Call> onCall = c -> {};

    RecordingPublisher(FakeClock clock) {
        this.clock = clock;
    }

    RecordingPublisher sendCost(long nanos) {
        this.sendCostNanos = nanos;
        return this;
    }

    Publisher open(Setup setup) {
        this.setup = setup;
        this.lag = setup.lag();
        return this;
    }

    private void call(String what, String producer, String topic, String key, byte[] value) {
        Call c = new Call(clock.millis(), what, producer, topic, key, value);
        calls.add(c);
        onCall.accept(c);
    }

    @Override
    public void beginTransaction(String producer) {
        call("begin", producer, null, null, null);
    }

    @Override
    public void send(String producer, String topic, String key, byte[] value, long scheduledNanos) {
        if (scheduledNanos != UNSCHEDULED) {
            lag.record(clock.nanoTime() - scheduledNanos);
        }
        call("send", producer, topic, key, value);
        clock.advanceNanos(sendCostNanos);
    }

    @Override
    public void commitTransaction(String producer) {
        call("commit", producer, null, null, null);
    }

    @Override
    public void abortTransaction(String producer) {
        call("abort", producer, null, null, null);
    }

    @Override
    public void awaitIdle() {}

    @Override
    public void close() {
        closed = true;
    }

    List<String> lines() {
        return calls.stream().map(Call::toString).toList();
    }

    List<Call> sends() {
        return calls.stream().filter(c -> c.what().equals("send")).toList();
    }
}
