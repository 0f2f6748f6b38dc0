package io.txinsight.job.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.CharacterFilter;

/**
 * A metric group that names metrics the way Flink's Prometheus reporter does below the operator:
 * plain groups and the keys of key-value groups join the name with '_', values become labels.
 * {@code addGroup("txn_type","payment").counter("opened")} is {@code txn_type_opened{txn_type=payment}}.
 * Registering the same metric twice fails the test (Flink would only log a warning).
 */
public final class CapturingMetricGroup implements MetricGroup {

    private final Map<String, Metric> registry;
    private final List<String> name;
    private final Map<String, String> labels;

    public CapturingMetricGroup() {
        this(new TreeMap<>(), List.of(), new TreeMap<>());
    }

    private CapturingMetricGroup(Map<String, Metric> registry, List<String> name, Map<String, String> labels) {
        this.registry = registry;
        this.name = name;
        this.labels = labels;
    }

    /** Every metric by {@code name{k=v,...}} (labels sorted), e.g. {@code txinsights_txn_type_opened{txn_type=payment}}. */
    public Map<String, Metric> metrics() {
        return registry;
    }

    public long count(String id) {
        Metric m = registry.get(id);
        if (!(m instanceof Counter c)) {
            throw new AssertionError("no counter " + id + "; have " + registry.keySet());
        }
        return c.getCount();
    }

    public Object gaugeValue(String id) {
        Metric m = registry.get(id);
        if (!(m instanceof Gauge<?> g)) {
            throw new AssertionError("no gauge " + id + "; have " + registry.keySet());
        }
        return g.getValue();
    }

    private <M extends Metric> M register(String metricName, M metric) {
        List<String> parts = new ArrayList<>(name);
        parts.add(metricName);
        String id = String.join("_", parts) + (labels.isEmpty() ? "" : labels.toString().replace(" ", ""));
        if (registry.putIfAbsent(id, metric) != null) {
            throw new AssertionError("metric registered twice: " + id);
        }
        return metric;
    }

    @Override
    public Counter counter(String n) {
        return counter(n, new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String n, C counter) {
        return register(n, counter);
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String n, G gauge) {
        return register(n, gauge);
    }

    @Override
    public <H extends Histogram> H histogram(String n, H histogram) {
        return register(n, histogram);
    }

    @Override
    public <M extends Meter> M meter(String n, M meter) {
        return register(n, meter);
    }

    @Override
    public MetricGroup addGroup(String n) {
        List<String> parts = new ArrayList<>(name);
        parts.add(n);
        return new CapturingMetricGroup(registry, parts, labels);
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
        List<String> parts = new ArrayList<>(name);
        parts.add(key);
        Map<String, String> l = new TreeMap<>(labels);
        l.put(key, value);
        return new CapturingMetricGroup(registry, parts, l);
    }

    @Override
    public String[] getScopeComponents() {
        return name.toArray(new String[0]);
    }

    @Override
    public Map<String, String> getAllVariables() {
        return Map.copyOf(labels);
    }

    @Override
    public String getMetricIdentifier(String metricName) {
        return String.join(".", name) + "." + metricName;
    }

    @Override
    public String getMetricIdentifier(String metricName, CharacterFilter filter) {
        return filter.filterCharacters(getMetricIdentifier(metricName));
    }
}
