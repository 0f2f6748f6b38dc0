package io.txinsight.validator;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StackedXYAreaRenderer2;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.ui.VerticalAlignment;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.SimpleHistogramBin;
import org.jfree.data.statistics.SimpleHistogramDataset;
import org.jfree.data.xy.DefaultTableXYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * The report's charts: JFreeChart plots drawn by JFreeSVG into SVG elements that are inlined in the
 * page, so the report needs no network and stays sharp at any zoom.
 */
final class ReportCharts {

    /** Tableau 10: distinct, colour-blind aware, calm on white. */
    static final Color[] PALETTE = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)
    };

    static final Color SUCCESS = new Color(0x59A14F);
    static final Color FAILED = new Color(0xF28E2B);
    static final Color ABORTED = new Color(0xE15759);
    static final Color NEUTRAL = new Color(0xBAB0AC);
    static final Color BLUE = new Color(0x4E79A7);
    private static final Color INK = new Color(0x1F2933);
    private static final Color MUTED = new Color(0x52606D);
    private static final Color GRID = new Color(0xE4E7EB);

    /** Histograms aim at about this many bars. */
    private static final int TARGET_BINS = 50;
    /** At most this many points on the events-per-second line. */
    private static final int MAX_RATE_POINTS = 600;

    private final StandardChartTheme theme;
    private int serial;

    ReportCharts() {
        // The SVG names the font family; "SansSerif" maps to the browser's sans-serif, and Java
        // measures labels with the same metrics on a typical Linux/Chromium pair (DejaVu Sans).
        theme = new StandardChartTheme("txinsight");
        theme.setExtraLargeFont(new Font("SansSerif", Font.BOLD, 15));
        theme.setLargeFont(new Font("SansSerif", Font.BOLD, 12));
        theme.setRegularFont(new Font("SansSerif", Font.PLAIN, 11));
        theme.setSmallFont(new Font("SansSerif", Font.PLAIN, 10));
        theme.setTitlePaint(INK);
        theme.setSubtitlePaint(MUTED);
        theme.setAxisLabelPaint(MUTED);
        theme.setTickLabelPaint(MUTED);
        theme.setLegendItemPaint(INK);
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setLegendBackgroundPaint(Color.WHITE);
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setPlotOutlinePaint(GRID);
        theme.setDomainGridlinePaint(GRID);
        theme.setRangeGridlinePaint(GRID);
        theme.setAxisOffset(RectangleInsets.ZERO_INSETS);
        theme.setShadowVisible(false);
        theme.setBarPainter(new StandardBarPainter());
        theme.setXYBarPainter(new StandardXYBarPainter());
        theme.setDrawingSupplier(new DefaultDrawingSupplier(
                PALETTE, PALETTE, DefaultDrawingSupplier.DEFAULT_STROKE_SEQUENCE,
                DefaultDrawingSupplier.DEFAULT_OUTLINE_STROKE_SEQUENCE, DefaultDrawingSupplier.DEFAULT_SHAPE_SEQUENCE));
    }

    /** A histogram of durations, with p50/p90/p99 marked and the far tail cut off and counted. */
    JFreeChart histogram(String title, String counted, LatencyDistribution d, Color color) {
        SimpleHistogramDataset dataset = new SimpleHistogramDataset(title);
        dataset.setAdjustForBinSize(false);
        String subtitle;
        double scale = 1;
        String unit = "ms";
        if (d.count() == 0) {
            subtitle = "no values";
        } else {
            // A long tail squeezes everything else into a few bars: draw up to half again past p99,
            // and count what lies beyond in the subtitle.
            long cut = Math.max(1, Math.round(d.percentile(99) * 1.5));
            long upper = Math.min(d.max(), cut);
            long width = niceWidth(upper + 1);
            int bins = (int) Math.max(1, (upper + width) / width);
            long[] counts = d.bins(width, bins);
            if (upper >= 20_000) {
                scale = 1000;
                unit = "s";
            }
            for (int i = 0; i < bins; i++) {
                SimpleHistogramBin bin = new SimpleHistogramBin(i * width / scale, (i + 1) * width / scale, true, false);
                bin.setItemCount((int) Math.min(Integer.MAX_VALUE, counts[i]));
                dataset.addBin(bin);
            }
            long over = counts[bins];
            subtitle = String.format(Locale.ROOT, "n = %,d   p50 %s   p90 %s   p99 %s   max %s%s",
                    d.count(), ms(d.percentile(50)), ms(d.percentile(90)), ms(d.percentile(99)), ms(d.max()),
                    over > 0 ? String.format(Locale.ROOT, "   (%,d above %s not drawn)", over, ms(bins * width)) : "");
        }
        JFreeChart chart = ChartFactory.createHistogram(
                title, "duration (" + unit + ")", counted, dataset, PlotOrientation.VERTICAL, false, false, false);
        theme.apply(chart);
        chart.addSubtitle(new TextTitle(subtitle, theme.getRegularFont(), MUTED, RectangleEdge.TOP,
                HorizontalAlignment.CENTER, VerticalAlignment.CENTER,
                new RectangleInsets(2, 0, 6, 0)));
        XYPlot plot = chart.getXYPlot();
        plot.setNoDataMessage("no values to plot");
        XYBarRenderer renderer = (XYBarRenderer) plot.getRenderer();
        renderer.setSeriesPaint(0, color);
        renderer.setDrawBarOutline(false);
        renderer.setMargin(0.08);
        plot.setDomainGridlinesVisible(false);
        integerRange(plot.getRangeAxis());
        if (d.count() > 0) {
            mark(plot, "p50", d.percentile(50) / scale, 4);
            mark(plot, "p90", d.percentile(90) / scale, 18);
            mark(plot, "p99", d.percentile(99) / scale, 32);
        }
        return chart;
    }

    /** Records per second over publishing time, stacked by what a committed reader sees. */
    JFreeChart eventsPerSecond(EventRate rate) {
        DefaultTableXYDataset dataset = new DefaultTableXYDataset();
        int step = rate.step(MAX_RATE_POINTS);
        for (EventRate.Kind kind : EventRate.Kind.values()) {
            if (kind != EventRate.Kind.VISIBLE && rate.total(kind) == 0) {
                continue;
            }
            XYSeries series = new XYSeries(kind.label, false, false);
            for (int s = 0; s < Math.max(1, rate.seconds()); s += step) {
                series.add(s, rate.rate(kind, s, step));
            }
            dataset.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createStackedXYAreaChart(
                "Events per second", "time since the scenario start (s)",
                step == 1 ? "records / s" : "records / s (mean over " + step + " s)",
                dataset, PlotOrientation.VERTICAL, true, false, false);
        theme.apply(chart);
        XYPlot plot = chart.getXYPlot();
        StackedXYAreaRenderer2 renderer = new StackedXYAreaRenderer2();
        for (int i = 0; i < dataset.getSeriesCount(); i++) {
            String key = (String) dataset.getSeriesKey(i);
            renderer.setSeriesPaint(i, key.equals(EventRate.Kind.VISIBLE.label) ? BLUE
                    : key.equals(EventRate.Kind.HIDDEN.label) ? ABORTED : PALETTE[5]);
        }
        plot.setRenderer(renderer);
        plot.setDomainGridlinesVisible(false);
        legend(chart);
        return chart;
    }

    /** Transactions per type, stacked by outcome. */
    JFreeChart outcomes(Map<String, long[]> byType) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (EventStatistics.FileOutcome o : EventStatistics.FileOutcome.values()) {
            for (Map.Entry<String, long[]> en : byType.entrySet()) {
                dataset.addValue(en.getValue()[o.ordinal()], o.label, en.getKey());
            }
        }
        JFreeChart chart = ChartFactory.createStackedBarChart(
                "Outcome breakdown", "transaction type", "transactions", dataset,
                PlotOrientation.VERTICAL, true, false, false);
        theme.apply(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        Paint[] colors = {SUCCESS, FAILED, ABORTED, NEUTRAL};
        for (int i = 0; i < colors.length; i++) {
            renderer.setSeriesPaint(i, colors[i]);
        }
        renderer.setMaximumBarWidth(0.12);
        renderer.setDrawBarOutline(false);
        tiltIfCrowded(plot.getDomainAxis(), byType.size());
        integerRange(plot.getRangeAxis());
        legend(chart);
        return chart;
    }

    /** Expected verdicts (truth) beside the observed ones (validation), when there are any. */
    JFreeChart verdicts(List<String> categories, Map<String, Long> expected, Map<String, Long> observed) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (String c : categories) {
            dataset.addValue(expected.getOrDefault(c, 0L), "expected (truth)", c);
            if (observed != null) {
                dataset.addValue(observed.getOrDefault(c, 0L), "observed (job)", c);
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(
                observed == null ? "Verdicts in the truth" : "Verdicts: expected vs observed",
                "verdict", "transactions", dataset, PlotOrientation.VERTICAL, true, false, false);
        theme.apply(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setSeriesPaint(0, NEUTRAL);
        renderer.setSeriesPaint(1, BLUE);
        // One verdict usually dwarfs the rest: print the counts so small bars still read.
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator());
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(theme.getSmallFont());
        renderer.setDefaultItemLabelPaint(MUTED);
        plot.getRangeAxis().setUpperMargin(0.12);
        renderer.setDrawBarOutline(false);
        renderer.setItemMargin(0.05);
        renderer.setMaximumBarWidth(0.08);
        integerRange(plot.getRangeAxis());
        legend(chart);
        return chart;
    }

    /** Draws a chart as an inline SVG element that scales to its container's width. */
    String svg(JFreeChart chart, int width, int height) {
        String id = "chart" + (++serial);
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        // Several SVGs share one page: their clip paths and gradients need distinct ids.
        g.setDefsKeyPrefix(id + "-");
        chart.draw(g, new Rectangle(0, 0, width, height));
        return g.getSVGElement(id, false, new ViewBox(0, 0, width, height), null, null);
    }

    /** Colours for series without a meaning of their own; red is kept for aborts. */
    static Color color(int i) {
        int[] order = {0, 1, 3, 4, 6, 8, 7, 5, 9};
        return PALETTE[order[i % order.length]];
    }

    static String ms(long ms) {
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%,d ms", ms);
        }
        if (ms < 600_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%.1f min", ms / 60_000.0);
    }

    /** A bin width of 1, 2 or 5 times a power of ten giving about {@link #TARGET_BINS} bins. */
    static long niceWidth(long range) {
        double raw = Math.max(1.0, (double) range / TARGET_BINS);
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (int m : new int[] {1, 2, 5, 10}) {
            if (m * magnitude >= raw) {
                return Math.max(1, Math.round(m * magnitude));
            }
        }
        return Math.max(1, Math.round(10 * magnitude));
    }

    private void mark(XYPlot plot, String label, double x, double offset) {
        ValueMarker marker = new ValueMarker(x);
        marker.setPaint(INK);
        marker.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
        marker.setLabel(label);
        marker.setLabelFont(theme.getSmallFont());
        marker.setLabelPaint(INK);
        marker.setLabelBackgroundColor(new Color(255, 255, 255, 220));
        marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        marker.setLabelOffset(new RectangleInsets(offset, 3, 0, 0));
        plot.addDomainMarker(marker);
    }

    private static void integerRange(ValueAxis axis) {
        if (axis instanceof NumberAxis number) {
            number.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
    }

    private static void tiltIfCrowded(CategoryAxis axis, int categories) {
        if (categories > 6) {
            axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
    }

    private static void legend(JFreeChart chart) {
        if (chart.getLegend() != null) {
            chart.getLegend().setFrame(BlockBorder.NONE);
            chart.getLegend().setPosition(RectangleEdge.TOP);
        }
    }
}
