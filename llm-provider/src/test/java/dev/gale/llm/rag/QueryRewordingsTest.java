package dev.gale.llm.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class QueryRewordingsTest {
    @Test
    void threeDistinctKeywordRewordingsWithoutTheQuestionsFraming() {
        List<String> rewordings = QueryRewordings.of("How do I run a task on a GPU worker?");

        assertThat(rewordings).containsExactly("run task gpu worker", "worker task run gpu",
                "run task, task gpu, gpu worker");
    }

    @Test
    void theSameQuestionGivesTheSameRewordings() {
        assertThat(QueryRewordings.of("What is an asset version?")).isEqualTo(QueryRewordings.of("What is an asset version?"));
    }
}
