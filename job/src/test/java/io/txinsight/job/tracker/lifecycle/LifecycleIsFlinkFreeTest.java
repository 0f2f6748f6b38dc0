package io.txinsight.job.tracker.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle is plain Java so that its rules can be read, and property-tested, without Flink:
 * nothing in its package imports Flink, nor the tracker that adapts it (no package cycle).
 */
class LifecycleIsFlinkFreeTest {
    private static final Path SOURCES = Path.of("src/main/java/io/txinsight/job/tracker/lifecycle");

    @Test
    void noFlinkAndNoTrackerImports() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(SOURCES)) {
            files = s.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
        }
        assertThat(files).as("lifecycle sources").isNotEmpty();
        for (Path f : files) {
            List<String> imports = Files.readAllLines(f).stream()
                    .filter(l -> l.startsWith("import "))
                    .collect(Collectors.toList());
            assertThat(imports).as("imports of %s", f.getFileName())
                    .noneMatch(l -> l.contains("org.apache.flink"))
                    .noneMatch(l -> l.matches("import (static )?io\\.txinsight\\.job\\.tracker\\.[A-Z].*"));
        }
    }
}
