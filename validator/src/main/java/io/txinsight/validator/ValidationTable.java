package io.txinsight.validator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Renders a {@link Validation} as plain-text tables that read well in a terminal or a CI log. */
final class ValidationTable {

    private ValidationTable() {}

    static String render(Validation v) {
        StringBuilder out = new StringBuilder();
        if (v.passed()) {
            out.append(String.format(Locale.ROOT,
                    "Validation PASSED: all %d transactions have the expected verdict%s.%n", v.transactions(),
                    v.kafkaHangs() == null || v.kafkaHangs().isEmpty() ? ""
                            : String.format(Locale.ROOT, ", and the job named the %d Kafka transaction(s) the scenario"
                                    + " held open", v.kafkaHangs().size())));
        } else if (v.mismatched() == 0) {
            out.append(String.format(Locale.ROOT,
                    "Validation FAILED: all %d transactions have the expected verdict, but the job did not name %d of"
                            + " the %d Kafka transaction(s) the scenario held open.%n",
                    v.transactions(), v.unnamedKafkaHangs(), v.kafkaHangs().size()));
        } else {
            out.append(String.format(Locale.ROOT,
                    "Validation FAILED: %d of %d transactions do not have the expected verdict (%d missing).%n",
                    v.mismatched(), v.transactions(), v.missing()));
        }

        List<String> columns = Validation.observedColumns();
        out.append(String.format("%nVerdicts (rows: expected by the truth; columns: observed from the job)%n"));
        List<String> header = new ArrayList<>();
        header.add("expected \\ observed");
        header.addAll(columns);
        header.add("total");
        Text verdicts = new Text(header);
        v.byVerdict().forEach((expected, row) -> {
            List<String> cells = new ArrayList<>();
            cells.add(expected);
            long total = 0;
            for (String c : columns) {
                long n = row.getOrDefault(c, 0L);
                total += n;
                cells.add(Long.toString(n));
            }
            cells.add(Long.toString(total));
            verdicts.row(cells);
        });
        out.append(verdicts);

        List<String> inUse = columns.stream()
                .filter(c -> v.byType().values().stream().anyMatch(t ->
                        t.expected().getOrDefault(c, 0L) > 0 || t.observed().getOrDefault(c, 0L) > 0))
                .toList();
        out.append(String.format("%nBy type (verdict cells: expected/observed)%n"));
        List<String> typeHeader = new ArrayList<>(List.of("type", "transactions", "matched", "mismatched"));
        typeHeader.addAll(inUse);
        Text types = new Text(typeHeader);
        v.byType().forEach((type, t) -> {
            List<String> cells = new ArrayList<>(List.of(
                    type, Long.toString(t.transactions()), Long.toString(t.matched()),
                    Long.toString(t.transactions() - t.matched())));
            for (String c : inUse) {
                cells.add(t.expected().getOrDefault(c, 0L) + "/" + t.observed().getOrDefault(c, 0L));
            }
            types.row(cells);
        });
        out.append(types);

        out.append(String.format("%nDetection%n"));
        Text scores = new Text(List.of("signal", "expected", "observed", "correct", "precision", "recall"));
        for (Validation.Score s : v.scores()) {
            scores.row(List.of(s.signal(), Long.toString(s.expected()), Long.toString(s.observed()),
                    Long.toString(s.truePositives()), percent(s.precision()), percent(s.recall())));
        }
        out.append(scores);

        out.append(kafkaHangs(v));

        Validation.DurationError d = v.durationError();
        if (d.compared() == 0) {
            out.append(String.format("%nDurations: none to compare (no closed outcome with a true duration).%n"));
        } else {
            out.append(String.format(Locale.ROOT,
                    "%nDurations: %d compared, %d exact; absolute error mean %.1f ms, max %d ms%s.%n",
                    d.compared(), d.exact(), d.meanAbsMs(), d.maxAbsMs(),
                    d.maxAbsMs() > 0 ? " (" + d.maxTxnId() + ")" : ""));
        }
        if (v.unexpected() > 0) {
            out.append(String.format(Locale.ROOT,
                    "Note: %d transaction(s) in the outcomes/alerts are not in the truth "
                            + "(another run on the same topics? use fresh topics per replay).%n",
                    v.unexpected()));
        }
        if (v.conflicting() > 0) {
            out.append(String.format(Locale.ROOT,
                    "Note: %d transaction(s) have outcome records that disagree; the final one was used.%n",
                    v.conflicting()));
        }

        if (!v.mismatches().isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nFirst %d mismatch(es) of %d%n",
                    v.mismatches().size(), v.mismatched()));
            Text list = new Text(List.of("txn_id", "type", "expected", "observed", "detail"));
            for (Validation.Mismatch m : v.mismatches()) {
                list.row(List.of(m.txnId(), m.txnType() == null ? "" : m.txnType(), m.expected(), m.observed(),
                        m.detail()));
            }
            out.append(list);
        }
        return out.toString();
    }

    /**
     * The Kafka transactions the scenario held open, one row each: whether the job named it, by
     * which record and how many {@code blocked_by}s; then the ones the job named that the scenario
     * did not hold open.
     */
    private static String kafkaHangs(Validation v) {
        if (v.kafkaHangs() == null || (v.kafkaHangs().isEmpty() && v.otherKafkaTransactions().isEmpty())) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("%nKafka transactions the scenario held open (the job must name each)%n"));
        if (v.kafkaHangs().isEmpty()) {
            out.append(String.format("none%n"));
        } else {
            Text rows = new Text(List.of("producer", "held open", "records", "named", "transactional_id", "named by"));
            for (Validation.KafkaHang h : v.kafkaHangs()) {
                rows.row(List.of(h.producer(), seconds(h.heldOpenMs()), Long.toString(h.records()),
                        h.named() ? "yes" : "NO", h.transactionalId() == null ? "-" : h.transactionalId(),
                        namedBy(h)));
            }
            out.append(rows);
        }
        if (!v.otherKafkaTransactions().isEmpty()) {
            out.append(String.format(Locale.ROOT,
                    "Note: the job also named %d long-open or hanging Kafka transaction(s) the scenario did not hold"
                            + " open:%n", v.otherKafkaTransactions().size()));
            v.otherKafkaTransactions().forEach(o -> out.append("  ").append(o).append(System.lineSeparator()));
        }
        return out.toString();
    }

    private static String namedBy(Validation.KafkaHang h) {
        List<String> by = new ArrayList<>();
        if (h.alert() != null) {
            by.add(String.format(Locale.ROOT, "%s (open %s, on %s)", h.alert(), seconds(h.detectedAgeMs()),
                    String.join(", ", h.partitions())));
        }
        if (h.blockedOutcomes() > 0 || h.blockedAlerts() > 0) {
            by.add(String.format(Locale.ROOT, "blocked_by of %d outcome(s), %d stuck alert(s)",
                    h.blockedOutcomes(), h.blockedAlerts()));
        }
        return by.isEmpty()
                ? "nothing: no long-open or hanging record (is --kafka-transactions-long-open below the hold?), no blocked_by"
                : String.join("; ", by);
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    static String percent(Double ratio) {
        return ratio == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }

    /** Columns of numbers align right, columns of words align left. */
    private static final class Text {
        private final List<List<String>> rows = new ArrayList<>();

        Text(List<String> header) {
            rows.add(header);
        }

        void row(List<String> cells) {
            rows.add(cells);
        }

        @Override
        public String toString() {
            int n = rows.get(0).size();
            int[] width = new int[n];
            boolean[] numeric = new boolean[n];
            Arrays.fill(numeric, rows.size() > 1);
            for (int r = 0; r < rows.size(); r++) {
                for (int i = 0; i < n; i++) {
                    String cell = rows.get(r).get(i);
                    width[i] = Math.max(width[i], cell.length());
                    if (r > 0 && !looksNumeric(cell)) {
                        numeric[i] = false;
                    }
                }
            }
            StringBuilder sb = new StringBuilder();
            for (List<String> r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        line.append("  ");
                    }
                    String cell = r.get(i);
                    String fill = " ".repeat(width[i] - cell.length());
                    line.append(numeric[i] ? fill + cell : cell + fill);
                }
                sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
            }
            return sb.toString();
        }

        private static boolean looksNumeric(String cell) {
            return !cell.isEmpty() && (Character.isDigit(cell.charAt(0)) || cell.equals("n/a"));
        }
    }
}
