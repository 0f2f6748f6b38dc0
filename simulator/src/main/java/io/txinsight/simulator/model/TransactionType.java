package io.txinsight.simulator.model;

import java.util.List;
import java.util.Objects;

/**
 * A kind of business transaction (payment, transfer, …): its steps in order and how long the
 * pauses between them take. Amount and category describe the payload its open carries.
 *
 * @param name the {@code txn_type} on the wire
 * @param steps the steps, executed one after the other
 * @param interStepGap the pause between one step's done and the next step's open
 * @param medianAmount the typical amount, in the account's currency
 * @param categories spending categories this type draws from
 * @param merchants who is on the other side (shops, ATMs, payroll, …), by base name
 */
public record TransactionType(
        String name,
        List<Step> steps,
        LogNormal interStepGap,
        double medianAmount,
        List<String> categories,
        List<String> merchants) {

    /** The pause between the open and the first step, and between the last step and the close. */
    public static final LogNormal EDGE_GAP = new LogNormal(3, 0.4);

    public TransactionType {
        Objects.requireNonNull(name, "name");
        steps = List.copyOf(steps);
        categories = List.copyOf(categories);
        merchants = List.copyOf(merchants);
        if (steps.isEmpty() || categories.isEmpty() || merchants.isEmpty()) {
            throw new IllegalArgumentException(name + ": a type needs at least one step, category and merchant");
        }
    }

    /**
     * One step of a type.
     *
     * @param name the {@code step} on the wire
     * @param duration time from step_open to step_done
     */
    public record Step(String name, LogNormal duration) {}

    /**
     * The typical end-to-end duration at latency scale 1: the sum of the medians. The sum of
     * lognormals has a median slightly above that, which only makes injected outliers (sized in
     * multiples of this value) a little less extreme relative to the real median.
     */
    public double nominalMedianMs() {
        double sum = 2 * EDGE_GAP.medianMs() + (steps.size() - 1) * interStepGap.medianMs();
        for (Step s : steps) {
            sum += s.duration().medianMs();
        }
        return sum;
    }
}
