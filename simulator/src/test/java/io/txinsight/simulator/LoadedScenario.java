package io.txinsight.simulator;

import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioReader;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.Truth;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A generated scenario read back from disk, the way a consumer of the files sees it. */
final class LoadedScenario {

    final List<ScenarioRecord> records = new ArrayList<>();
    final Truth truth;
    final SimulationParams params;
    /** Business event records per txn_id, in file order. */
    final Map<String, List<ScenarioRecord>> byTxn = new LinkedHashMap<>();
    final List<ScenarioRecord> malformed = new ArrayList<>();

    private LoadedScenario(SimulationParams params, List<ScenarioRecord> all, Truth truth) {
        this.params = params;
        this.truth = truth;
        for (ScenarioRecord r : all) {
            records.add(r);
            if (r.event() != null) {
                byTxn.computeIfAbsent(r.event().txnId(), k -> new ArrayList<>()).add(r);
            } else {
                malformed.add(r);
            }
        }
    }

    /** Generates into {@code dir} and reads both files back. */
    static LoadedScenario generate(SimulationParams params, Path dir) throws Exception {
        Scenario scenario = Simulator.generate(params, dir);
        List<ScenarioRecord> all = new ArrayList<>();
        try (ScenarioReader reader = new ScenarioReader(scenario.eventsFile(), new ScenarioCodec())) {
            ScenarioRecord r;
            while ((r = reader.next()) != null) {
                all.add(r);
            }
        }
        return new LoadedScenario(params, all, Truth.read(scenario.truthFile()));
    }

    /** Runs the model without files (for large statistical runs; the file format is tested elsewhere). */
    static LoadedScenario inMemory(SimulationParams params) throws Exception {
        List<ScenarioRecord> all = new ArrayList<>();
        Truth truth = new Workload(params).run(all::add, null);
        return new LoadedScenario(params, all, truth);
    }

    long lastAt() {
        return records.get(records.size() - 1).atMs();
    }
}
