package dev.gale.llm.rag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reciprocal rank fusion (Cormack et al., 2009): an item's score is the sum over the ranked lists
 * that hold it of {@code 1 / (k + rank)}. It needs no calibration between lists whose scores are not
 * comparable (BM25 and cosine), and an item found by several lists rises above one found by one.
 */
public final class RankFusion {
    /** The constant of the paper; it damps the weight of the very first ranks. */
    public static final int K = 60;

    private RankFusion() {
    }

    /** One fused item and its score. */
    public record Scored<T>(T item, double score) {
    }

    /** Fuses {@code lists} (each best first), de-duplicated by {@code key}, best first. */
    public static <T> List<Scored<T>> fuse(List<List<T>> lists, Function<T, String> key) {
        Map<String, T> first = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (List<T> list : lists) {
            for (int rank = 0; rank < list.size(); rank++) {
                T item = list.get(rank);
                String id = key.apply(item);
                first.putIfAbsent(id, item);
                scores.merge(id, 1.0 / (K + rank + 1), Double::sum);
            }
        }
        List<Scored<T>> fused = new ArrayList<>();
        scores.forEach((id, score) -> fused.add(new Scored<>(first.get(id), score)));
        fused.sort(Comparator.comparingDouble((Scored<T> s) -> s.score()).reversed());
        return fused;
    }
}
