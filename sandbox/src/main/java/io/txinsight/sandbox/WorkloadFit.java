package io.txinsight.sandbox;

import io.txinsight.simulator.SimulationParams;

/**
 * Sizes the demo's workload to the time it was given. A preset's timing (a 10 s stuck timeout, a
 * 10 s hanging Kafka transaction, …) needs about half a minute of traffic to show every kind of
 * trouble; a short {@code --duration} gets the same mix at half the timing, so a 30 s demo still
 * shows stuck, late, aborted and hanging transactions and validates them all.
 */
record WorkloadFit(SimulationParams params, long shortestSpanMs, boolean compressed) {

    /** Step of the search for the shortest span; a second is finer than anything the timing needs. */
    private static final long SPAN_STEP_MS = 1_000;

    /**
     * The preset as it is when {@code roomMs} (the time left for arrivals once the job has started
     * and before it must drain) fits its shortest workload or is 0 (run until stopped); otherwise
     * the preset with every timing halved.
     */
    static WorkloadFit fitting(SimulationParams preset, long roomMs) {
        long natural = shortestSpanMs(preset);
        if (roomMs <= 0 || roomMs >= natural) {
            return new WorkloadFit(preset, natural, false);
        }
        SimulationParams halved = preset.toBuilder()
                .stuckTimeoutMs(preset.stuckTimeoutMs() / 2)
                .abortGraceMs(preset.abortGraceMs() / 2)
                .outOfOrdernessMs(preset.outOfOrdernessMs() / 2)
                .hangMs(preset.hangMs() / 2)
                .build();
        return new WorkloadFit(halved, shortestSpanMs(halved), true);
    }

    /** The same fit, publishing to {@code topic}. */
    WorkloadFit withTopic(String topic) {
        return new WorkloadFit(params.toBuilder().topic(topic).build(), shortestSpanMs, compressed);
    }

    /** The preset's parameters for arrivals lasting {@code spanMs}, at the preset's rate. */
    SimulationParams over(long spanMs) {
        return params.toBuilder()
                .count(Math.max(1, Math.round(params.count() * (double) spanMs / params.spanMs())))
                .durationMs(spanMs)
                .build();
    }

    /** The shortest span of arrivals (at the preset's rate) in which every trouble it asks for fits. */
    private static long shortestSpanMs(SimulationParams preset) {
        WorkloadFit sizing = new WorkloadFit(preset, 0, false);
        for (long span = SPAN_STEP_MS; span < preset.spanMs(); span += SPAN_STEP_MS) {
            if (sizing.over(span).problems().isEmpty()) {
                return span;
            }
        }
        return preset.spanMs();
    }
}
