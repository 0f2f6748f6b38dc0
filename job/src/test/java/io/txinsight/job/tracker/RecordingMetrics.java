package io.txinsight.job.tracker;

import io.txinsight.events.CloseStatus;
import io.txinsight.job.records.View;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.MetricGroup;

/** Remembers every call the tracker makes, so tests can assert counters and samples exactly. */
final class RecordingMetrics implements TrackerMetrics {
    final Map<String, Integer> counts = new TreeMap<>();
    final Map<String, List<Long>> samples = new TreeMap<>();
    /** Closed amounts, as "type currency amount". */
    final List<String> amounts = new ArrayList<>();
    final LiveCounts live;

    RecordingMetrics(LiveCounts live) {
        this.live = live;
    }

    int count(String name) {
        return counts.getOrDefault(name, 0);
    }

    List<Long> samples(String name) {
        return samples.getOrDefault(name, List.of());
    }

    private void inc(String name) {
        counts.merge(name, 1, Integer::sum);
    }

    private void sample(String name, long ms) {
        samples.computeIfAbsent(name, k -> new ArrayList<>()).add(ms);
    }

    @Override public void opened(String t) { inc("opened"); }
    @Override public void tentativelyClosed(String t) { inc("tentativelyClosed"); }
    @Override public void closed(String t, CloseStatus s) { inc("closed:" + s.wireName()); }
    @Override public void aborted(String t) { inc("aborted"); }
    @Override public void stuck(String t) { inc("stuck"); }
    @Override public void recovered(String t) { inc("recovered"); }
    @Override public void expired(String t) { inc("expired"); }
    @Override public void outlier(String t) { inc("outlier"); }
    @Override public void late(View v) { inc("late:" + v.label()); }
    @Override public void duplicate(View v) { inc("duplicate:" + v.label()); }
    @Override public void tentativeDuration(String t, long ms) { sample("tentativeDuration", ms); }
    @Override public void committedDuration(String t, long ms) { sample("committedDuration", ms); }
    @Override public void commitLatency(String t, long ms) { sample("commitLatency", ms); }
    @Override public void stepDuration(String t, String s, long ms) { sample("stepDuration:" + s, ms); }
    @Override public void interStepGap(String t, long ms) { sample("interStepGap", ms); }
    @Override public void closedAmount(String t, String c, double a) { amounts.add(t + " " + c + " " + a); }

    /** Keeps the instance it made; the test harness does not serialize the operator. */
    static final class Factory implements TrackerMetrics.Factory {
        private static final long serialVersionUID = 1L;
        transient RecordingMetrics last;

        @Override
        public TrackerMetrics create(MetricGroup operatorGroup, LiveCounts counts) {
            last = new RecordingMetrics(counts);
            return last;
        }
    }
}
