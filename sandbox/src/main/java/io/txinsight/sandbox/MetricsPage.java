package io.txinsight.sandbox;

import io.txinsight.job.metrics.MetricNames;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One scrape of a Prometheus text endpoint, reduced to what the sandbox's summary needs: the
 * txinsights series, named as documented ({@code txinsights_*}), summed over subtasks.
 */
final class MetricsPage {

    static final String RAW_PREFIX = "flink_taskmanager_job_task_operator_" + MetricNames.GROUP + "_";
    private static final List<String> LABEL_KEYS =
            MetricNames.LABEL_KEYS.stream().map(key -> key + "_").toList();

    /** One series: documented name, its labels, its value. */
    record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples;

    private MetricsPage(List<Sample> samples) {
        this.samples = samples;
    }

    static MetricsPage fetch(HttpClient http, URI endpoint) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(15)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(endpoint + " answered HTTP " + response.statusCode());
        }
        return parse(response.body());
    }

    static MetricsPage parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith(RAW_PREFIX)) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String raw = brace > 0 ? line.substring(0, brace) : line.substring(0, space);
            Map<String, String> labels = brace > 0 ? labels(line.substring(brace + 1, line.lastIndexOf('}'))) : Map.of();
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            samples.add(new Sample(documentedName(raw), labels, value));
        }
        return new MetricsPage(samples);
    }

    /** The Prometheus relabel rule of monitoring/, in Java: drop the prefix and the label-key parts. */
    static String documentedName(String raw) {
        String rest = raw.substring(RAW_PREFIX.length());
        boolean stripped = true;
        while (stripped) {
            stripped = false;
            for (String key : LABEL_KEYS) {
                if (rest.startsWith(key)) {
                    rest = rest.substring(key.length());
                    stripped = true;
                }
            }
        }
        return MetricNames.GROUP + "_" + rest;
    }

    private static Map<String, String> labels(String body) {
        Map<String, String> labels = new LinkedHashMap<>();
        int i = 0;
        while (i < body.length()) {
            int eq = body.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = body.substring(i, eq).trim();
            int start = body.indexOf('"', eq) + 1;
            StringBuilder value = new StringBuilder();
            int j = start;
            while (j < body.length() && body.charAt(j) != '"') {
                if (body.charAt(j) == '\\' && j + 1 < body.length()) {
                    j++;
                }
                value.append(body.charAt(j));
                j++;
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < body.length() && body.charAt(i) == ',') {
                i++;
            }
        }
        return labels;
    }

    boolean isEmpty() {
        return samples.isEmpty();
    }

    List<Sample> samples() {
        return samples;
    }

    double sum(String name) {
        return sum(name, s -> true);
    }

    double sum(String name, Predicate<Sample> filter) {
        double total = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && filter.test(s)) {
                total += s.value();
            }
        }
        return total;
    }

    double max(String name) {
        double max = 0;
        for (Sample s : samples) {
            if (s.name().equals(name)) {
                max = Math.max(max, s.value());
            }
        }
        return max;
    }

    /**
     * A quantile of a cumulative-bucket distribution summed over all series, interpolated within
     * the bucket as Prometheus's histogram_quantile does; NaN when it has no observations.
     */
    double quantile(String bucketName, double q) {
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        for (Sample s : samples) {
            if (s.name().equals(bucketName) && s.labels().containsKey("le")) {
                String le = s.labels().get("le");
                // Flink's reporter rewrites '+' in label values to '_' unless told not to.
                double bound = le.endsWith("Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                cumulative.merge(bound, s.value(), Double::sum);
            }
        }
        if (cumulative.isEmpty()) {
            return Double.NaN;
        }
        double total = cumulative.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return lowerBound; // as Prometheus: the highest finite bound
                }
                double inBucket = e.getValue() - lowerCount;
                return inBucket <= 0 ? e.getKey() : lowerBound + (e.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = e.getKey();
            lowerCount = e.getValue();
        }
        return lowerBound;
    }
}
