package io.txinsight.ledger;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Rows as aligned columns for a terminal; an absent value shows as "-". */
final class TextTable {
    private TextTable() {}

    static String render(List<String> columns, List<Map<String, Object>> rows) {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            widths[c] = columns.get(c).length();
            for (Map<String, Object> row : rows) {
                widths[c] = Math.max(widths[c], cell(row, columns.get(c)).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, widths, columns);
        for (Map<String, Object> row : rows) {
            line(out, widths, columns.stream().map(col -> cell(row, col)).toList());
        }
        return out.toString();
    }

    /** One record as "name  value" lines, for a single transaction's full record. */
    static String record(Map<String, Object> fields) {
        int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder();
        fields.forEach((name, value) -> out.append(String.format("%-" + width + "s  %s%n", name, text(value))));
        return out.toString();
    }

    private static String cell(Map<String, Object> row, String column) {
        return text(row.get(column));
    }

    private static String text(Object value) {
        return Objects.toString(value, "-");
    }

    private static void line(StringBuilder out, int[] widths, List<String> cells) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            l.append(String.format("%-" + widths[c] + "s", cells.get(c))).append(c + 1 < cells.size() ? "  " : "");
        }
        out.append(l.toString().stripTrailing()).append(System.lineSeparator());
    }
}
