package io.txinsight.job.tracker;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A running median in constant memory: the P-square algorithm (Jain and Chlamtac, "The P²
 * algorithm for dynamic calculation of quantiles and histograms without storing observations",
 * CACM 1985). Five markers track the minimum, the quartiles' neighbourhood, the median and the
 * maximum; each new value moves the markers by piecewise-parabolic interpolation.
 *
 * <p>Why a median: durations of business transactions are skewed (roughly lognormal), and the
 * outliers we look for would drag a mean; the median does not move when one value is 10x.
 *
 * <p>Exact for the first five values, then an estimate that converges on stationary input.
 */
final class StreamingMedian {
    private static final double P = 0.5;
    private static final double[] INCREMENT = {0, P / 2, P, (1 + P) / 2, 1};

    private final double[] height = new double[5];
    private final int[] position = new int[5];
    private final double[] desired = new double[5];
    private long count;

    void add(double x) {
        if (count < 5) {
            height[(int) count++] = x;
            if (count == 5) {
                Arrays.sort(height);
                for (int i = 0; i < 5; i++) {
                    position[i] = i + 1;
                }
                desired[0] = 1;
                desired[1] = 1 + 2 * P;
                desired[2] = 1 + 4 * P;
                desired[3] = 3 + 2 * P;
                desired[4] = 5;
            }
            return;
        }
        count++;
        int cell;
        if (x < height[0]) {
            height[0] = x;
            cell = 0;
        } else if (x >= height[4]) {
            height[4] = x;
            cell = 3;
        } else {
            cell = 0;
            while (cell < 3 && x >= height[cell + 1]) {
                cell++;
            }
        }
        for (int i = cell + 1; i < 5; i++) {
            position[i]++;
        }
        for (int i = 0; i < 5; i++) {
            desired[i] += INCREMENT[i];
        }
        for (int i = 1; i <= 3; i++) {
            double d = desired[i] - position[i];
            if ((d >= 1 && position[i + 1] - position[i] > 1) || (d <= -1 && position[i - 1] - position[i] < -1)) {
                int step = d > 0 ? 1 : -1;
                double candidate = parabolic(i, step);
                height[i] = height[i - 1] < candidate && candidate < height[i + 1] ? candidate : linear(i, step);
                position[i] += step;
            }
        }
    }

    /** The median estimate; NaN before any value. */
    double median() {
        if (count == 0) {
            return Double.NaN;
        }
        if (count < 5) {
            double[] first = Arrays.copyOf(height, (int) count);
            Arrays.sort(first);
            int mid = first.length / 2;
            return first.length % 2 == 1 ? first[mid] : (first[mid - 1] + first[mid]) / 2;
        }
        return height[2];
    }

    long count() {
        return count;
    }

    /** Writes the markers, so a restored job judges against what it had learned. */
    void writeTo(DataOutput out) throws IOException {
        out.writeLong(count);
        for (int i = 0; i < 5; i++) {
            out.writeDouble(height[i]);
            out.writeInt(position[i]);
            out.writeDouble(desired[i]);
        }
    }

    static StreamingMedian readFrom(DataInput in) throws IOException {
        StreamingMedian m = new StreamingMedian();
        m.count = in.readLong();
        for (int i = 0; i < 5; i++) {
            m.height[i] = in.readDouble();
            m.position[i] = in.readInt();
            m.desired[i] = in.readDouble();
        }
        return m;
    }

    private double parabolic(int i, int d) {
        double nLeft = position[i] - position[i - 1];
        double nRight = position[i + 1] - position[i];
        double span = position[i + 1] - position[i - 1];
        return height[i]
                + d / span
                        * ((nLeft + d) * (height[i + 1] - height[i]) / nRight
                                + (nRight - d) * (height[i] - height[i - 1]) / nLeft);
    }

    private double linear(int i, int d) {
        return height[i] + d * (height[i + d] - height[i]) / (position[i + d] - position[i]);
    }
}
