package io.txinsight.simulator;

import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.Truth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.LongConsumer;

/**
 * File mode: writes a scenario directory ({@code events.jsonl} and {@code report/truth.json}).
 *
 * <pre>{@code
 * Scenario s = Simulator.generate(Presets.named("stuck"), Path.of("scenarios/02_stuck_transactions"));
 * }</pre>
 */
public final class Simulator {

    private Simulator() {}

    public static Scenario generate(SimulationParams params, Path outDir) throws IOException {
        return generate(params, outDir, null);
    }

    /**
     * Generates the scenario. Both files are written under temporary names and moved into place
     * at the end, so a scenario directory never holds half a file next to a stale truth.
     *
     * @param progress told the number of transactions started so far; may be null
     * @throws IllegalArgumentException when the parameters are impossible (the message says why)
     */
    public static Scenario generate(SimulationParams params, Path outDir, LongConsumer progress) throws IOException {
        Workload workload = new Workload(params);
        Path events = Scenario.eventsFileIn(outDir);
        Path truthFile = Scenario.truthFileIn(outDir);
        Files.createDirectories(truthFile.getParent());
        Path eventsTmp = events.resolveSibling(events.getFileName() + ".tmp");
        Path truthTmp = truthFile.resolveSibling(truthFile.getFileName() + ".tmp");

        Truth truth;
        try (EventsFileWriter writer = new EventsFileWriter(eventsTmp, new ScenarioCodec())) {
            truth = workload.run(writer, progress);
        }
        truth.write(truthTmp);
        Files.move(eventsTmp, events, StandardCopyOption.REPLACE_EXISTING);
        Files.move(truthTmp, truthFile, StandardCopyOption.REPLACE_EXISTING);
        return new Scenario(outDir, events, truthFile, truth);
    }
}
