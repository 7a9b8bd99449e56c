package dev.gale.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KindPlacementTest {
    private static final WorkerOffer JAVA = WorkerOffer.cpu("java-1", List.of("default", "py"));
    private static final WorkerOffer PYTHON = new WorkerOffer("py-1", List.of("py"), 0, 0, true, List.of("python"));
    private static final WorkerOffer COMMANDS = new WorkerOffer("cmd-1", List.of("py"), 0, 0, true,
            List.of("command"));

    @Test
    void aWorkerThatNamesNoKindsRunsWhatTheJavaWorkerRuns() {
        assertThat(JAVA.taskKinds()).containsExactly("java", "command", "python");
        assertThat(KindPlacement.unplaceable("py", "python", List.of(JAVA))).isEmpty();
    }

    @Test
    void aTaskWaitsWhenTheWorkersOnItsQueueDoNotRunItsKindSayingWhatTheyRun() {
        assertThat(KindPlacement.unplaceable("py", "java", List.of(PYTHON, COMMANDS))).hasValue(
                "waiting for a worker that runs java tasks on queue 'py'; connected workers on queue 'py' run"
                        + " py-1: python; cmd-1: command");
        assertThat(KindPlacement.unplaceable("py", "python", List.of(PYTHON, COMMANDS))).isEmpty();
    }

    @Test
    void aTaskWaitsWhenNoWorkerServesItsQueue() {
        assertThat(KindPlacement.unplaceable("gpu", "python", List.of(JAVA, PYTHON))).hasValue(
                "waiting for a worker that runs python tasks on queue 'gpu'; no worker on queue 'gpu' is connected");
    }
}
