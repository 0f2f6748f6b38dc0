package io.txinsight.sandbox;

import static io.txinsight.job.metrics.MetricNames.ABORTED;
import static io.txinsight.job.metrics.MetricNames.ACTIVE_ACCOUNTS;
import static io.txinsight.job.metrics.MetricNames.AMOUNT;
import static io.txinsight.job.metrics.MetricNames.CURRENCY;
import static io.txinsight.job.metrics.MetricNames.CLOSED;
import static io.txinsight.job.metrics.MetricNames.COMMITTED_VIEW_LAG_MS;
import static io.txinsight.job.metrics.MetricNames.DURATION;
import static io.txinsight.job.metrics.MetricNames.EVENTS;
import static io.txinsight.job.metrics.MetricNames.GROUP;
import static io.txinsight.job.metrics.MetricNames.INPUT_FETCH_AGE_MS;
import static io.txinsight.job.metrics.MetricNames.INPUT_REACHABLE;
import static io.txinsight.job.metrics.MetricNames.KAFKA_HANGING_TRANSACTIONS;
import static io.txinsight.job.metrics.MetricNames.KAFKA_LONG_OPEN_TRANSACTIONS;
import static io.txinsight.job.metrics.MetricNames.KAFKA_OLDEST_TRANSACTION_AGE_MS;
import static io.txinsight.job.metrics.MetricNames.LSO_LAG_RECORDS;
import static io.txinsight.job.metrics.MetricNames.MALFORMED;
import static io.txinsight.job.metrics.MetricNames.OPEN_NOW;
import static io.txinsight.job.metrics.MetricNames.STATUS;
import static io.txinsight.job.metrics.MetricNames.STUCK;
import static io.txinsight.job.metrics.MetricNames.STUCK_NOW;
import static io.txinsight.job.metrics.MetricNames.TENTATIVELY_CLOSED_NOW;
import static io.txinsight.job.metrics.MetricNames.VIEW;
import static io.txinsight.job.metrics.MetricNames.WINDOW;

import io.txinsight.events.CloseStatus;
import io.txinsight.job.records.View;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The compact line the sandbox prints every few seconds, read from the job's own Prometheus
 * endpoint: exactly what an operator's Prometheus would see.
 */
final class LiveSummary {

    private static final int CURRENCIES_SHOWN = 3;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI endpoint;
    private final PrintStream out;
    private double lastEvents = -1;
    private long lastNanos;
    private MetricsPage lastPage;

    LiveSummary(URI endpoint, PrintStream out) {
        this.endpoint = endpoint;
        this.out = out;
    }

    /** Scrapes once and prints one line; a failed scrape prints why and is not fatal. */
    void printOnce() {
        MetricsPage page;
        try {
            page = MetricsPage.fetch(http, endpoint);
        } catch (Exception e) {
            out.println(time() + "  metrics not available yet from " + endpoint + " (" + e.getMessage() + ")");
            return;
        }
        lastPage = page;
        if (page.isEmpty()) {
            out.println(time() + "  job starting: no txinsights metrics yet");
            return;
        }
        long now = System.nanoTime();
        double events = page.sum(series(EVENTS), s -> View.MONITOR.label().equals(s.labels().get(VIEW)));
        String rate = "-";
        if (lastEvents >= 0 && now > lastNanos) {
            rate = String.format("%,.0f", (events - lastEvents) / ((now - lastNanos) / 1e9));
        }
        lastEvents = events;
        lastNanos = now;
        try {
            out.println(line(page, rate));
        } catch (RuntimeException e) {
            // A summary line is a convenience: an unexpected series must not stop the sandbox.
            out.println(time() + "  could not summarise the metrics: " + e);
        }
    }

    static String line(MetricsPage page, String eventsPerSecond) {
        double p99 = page.quantile(series(DURATION) + "_bucket", 0.99);
        return String.format(
                "%s  events/s %s | open %,.0f | tentatively closed %,.0f | closed %,.0f (failed %,.0f) | aborted %,.0f"
                        + " | stuck %,.0f (now %,.0f) | p99 duration %s | committed-view lag %s | malformed %,.0f"
                        + " | active accounts 1m/5m/15m %s | closed amount %s",
                time(),
                eventsPerSecond,
                page.sum(series(OPEN_NOW)),
                page.sum(series(TENTATIVELY_CLOSED_NOW)),
                page.sum(series(CLOSED)),
                page.sum(series(CLOSED), s -> CloseStatus.FAILED.wireName().equals(s.labels().get(STATUS))),
                page.sum(series(ABORTED)),
                page.sum(series(STUCK)),
                page.sum(series(STUCK_NOW)),
                Double.isNaN(p99) ? "-" : millis(p99),
                millis(page.max(series(COMMITTED_VIEW_LAG_MS))),
                page.sum(series(MALFORMED)),
                activeAccounts(page),
                amounts(page)) + kafkaTransactions(page) + unreachable(page);
    }

    /**
     * A Kafka transaction open this long on the input is worth a word: read_committed readers, the
     * committed view among them, wait behind it meanwhile (a transactional producer's usually last
     * well under a second; the demo's, 100 ms).
     */
    static final double HOLDING_BACK_AFTER_MS = 1_000;

    /**
     * While a Kafka transaction on the input holds the committed view back (the collector's
     * gauges): how old the oldest is and how many records wait behind it, which is why the
     * tentatively closed count climbs meanwhile; in capitals once the job counts it long open or
     * hanging, when the alerts topic names it.
     */
    static String kafkaTransactions(MetricsPage page) {
        double longOpen = page.sum(series(KAFKA_LONG_OPEN_TRANSACTIONS));
        double hanging = page.sum(series(KAFKA_HANGING_TRANSACTIONS));
        double oldestMs = page.max(series(KAFKA_OLDEST_TRANSACTION_AGE_MS));
        double heldBack = page.sum(series(LSO_LAG_RECORDS));
        if (longOpen + hanging > 0) {
            return String.format(" | KAFKA TRANSACTION %s on %,.0f partition(s), open %s, %,.0f records held back from"
                            + " the committed view (named on the alerts topic)",
                    hanging > 0 ? "HANGING" : "LONG OPEN", longOpen + hanging, millis(oldestMs), heldBack);
        }
        if (oldestMs >= HOLDING_BACK_AFTER_MS && heldBack > 0) {
            return String.format(" | a Kafka transaction open %s holds %,.0f records back from the committed view",
                    millis(oldestMs), heldBack);
        }
        return "";
    }

    private static String activeAccounts(MetricsPage page) {
        return List.of("1m", "5m", "15m").stream()
                .map(w -> String.format("%,.0f", page.sum(series(ACTIVE_ACCOUNTS), s -> w.equals(s.labels().get(WINDOW)))))
                .collect(Collectors.joining("/"));
    }

    /** The closed amounts of the largest {@value #CURRENCIES_SHOWN} currencies, in their major unit. */
    private static String amounts(MetricsPage page) {
        List<Map.Entry<String, Double>> byCurrency = page.sumBy(series(AMOUNT) + "_sum", CURRENCY);
        if (byCurrency.isEmpty()) {
            return "-";
        }
        String shown = byCurrency.stream().limit(CURRENCIES_SHOWN)
                .map(e -> String.format("%s %,.0f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        int more = byCurrency.size() - CURRENCIES_SHOWN;
        return more > 0 ? shown + " (+" + more + ")" : shown;
    }

    /**
     * What the operator must see first when Kafka does not answer: which view, and for how long.
     * The job holds its clock meanwhile, so the counts above stand still rather than go wrong.
     */
    static String unreachable(MetricsPage page) {
        StringBuilder trouble = new StringBuilder();
        for (View view : View.values()) {
            java.util.function.Predicate<MetricsPage.Sample> ofView = s -> view.label().equals(s.labels().get(VIEW));
            boolean cutOff = page.samples().stream()
                    .anyMatch(s -> s.name().equals(series(INPUT_REACHABLE)) && ofView.test(s) && s.value() == 0);
            if (cutOff) {
                double age = page.samples().stream()
                        .filter(s -> s.name().equals(series(INPUT_FETCH_AGE_MS)) && ofView.test(s))
                        .mapToDouble(MetricsPage.Sample::value).max().orElse(0);
                trouble.append(" | KAFKA UNREACHABLE for the ").append(view.label()).append(" view (no answer for ")
                        .append(millis(age)).append("; the clock waits, no stuck alert for the outage)");
            }
        }
        return trouble.toString();
    }

    /** A metric's name as Prometheus keeps it (see monitoring/prometheus/prometheus.yml). */
    private static String series(String metric) {
        return GROUP + "_" + metric;
    }

    /** The last page scraped, or null. */
    MetricsPage lastPage() {
        return lastPage;
    }

    private static String millis(double ms) {
        return ms >= 1000 ? String.format("%.1fs", ms / 1000) : String.format("%.0fms", ms);
    }

    private static String time() {
        return LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
