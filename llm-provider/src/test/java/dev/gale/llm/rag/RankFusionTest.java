package dev.gale.llm.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RankFusionTest {
    @Test
    void anItemFoundByEveryListOutranksOneThatTopsASingleList() {
        List<RankFusion.Scored<String>> fused = RankFusion.fuse(List.of(
                List.of("a", "shared"), List.of("b", "shared"), List.of("c", "shared")), Function.identity());

        assertThat(fused.getFirst().item()).isEqualTo("shared");
        assertThat(fused.getFirst().score()).isEqualTo(3.0 / (RankFusion.K + 2));
        assertThat(fused).extracting(RankFusion.Scored::item).containsExactly("shared", "a", "b", "c");
    }
}
