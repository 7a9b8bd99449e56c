package dev.gale.llm.rag;

import dev.gale.llm.Llm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * Reorders retrieved passages by asking a chat model how well each answers the question (structured
 * output: a relevance from 0 to 10 per numbered passage). Scores are cached on disk per model, question
 * and chunk id (a chunk's id holds its document's fingerprint, so an edited document is scored again):
 * asking the same question again, or a question whose candidates overlap, sends only the passages not yet
 * scored, and none at all when every one is cached. Ties keep the order retrieval gave.
 */
public final class LlmReranker {
    private static final String SYSTEM = "You rate passages for a search engine. For each numbered passage, rate"
            + " from 0 (unrelated) to 10 (answers the question directly) how well it answers the question. Rate every"
            + " passage given, by its number.";

    private final Llm llm;
    private final String model;
    private final Path cache;

    /** What the model is asked for. */
    public record Ratings(List<Rating> ratings) {
    }

    /** One passage's relevance. */
    public record Rating(int passage, int relevance) {
    }

    /** Scores with {@code llm}'s chat model, caching under {@code cache} (a directory, created when needed). */
    public LlmReranker(Llm llm, Path cache) {
        this.llm = llm;
        this.model = llm.chatChoice().model().orElseThrow(() -> new IllegalArgumentException(
                "no chat model is configured to rerank with")).id();
        this.cache = cache.resolve(Integer.toHexString(model.hashCode()));
    }

    /** The cache of {@code $GALE_HOME/cache/rerank}. */
    public static Path defaultCache() {
        return RagIndexes.galeHome().resolve("cache").resolve("rerank");
    }

    public String model() {
        return model;
    }

    /** The candidates reordered, and how many of them the model scored now (the others came from the cache). */
    public record Reranked<T>(List<RankFusion.Scored<T>> ranked, int scoredNow, int fromCache) {
    }

    /**
     * {@code candidates} (best first), reordered by the model's relevance for {@code question}; {@code id}
     * names a candidate's chunk, {@code text} gives its text. The score of each is its relevance (0 to 10).
     */
    public <T> Reranked<T> rerank(String question, List<T> candidates, Function<T, String> id,
                                                 Function<T, String> text) {
        Map<Integer, Integer> relevance = new HashMap<>();
        List<Integer> unscored = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Integer cached = read(key(question, id.apply(candidates.get(i))));
            if (cached == null) {
                unscored.add(i);
            } else {
                relevance.put(i, cached);
            }
        }
        if (!unscored.isEmpty()) {
            String passages = IntStream.range(0, unscored.size()).mapToObj(n -> "[" + (n + 1) + "] "
                            + text.apply(candidates.get(unscored.get(n))).strip().replaceAll("\\s*\\n\\s*", " "))
                    .collect(Collectors.joining("\n\n"));
            Ratings ratings = llm.chat(SYSTEM, "Question: " + question.strip() + "\n\nPassages:\n" + passages,
                    Ratings.class);
            for (Rating rating : ratings.ratings() == null ? List.<Rating>of() : ratings.ratings()) {
                if (rating.passage() >= 1 && rating.passage() <= unscored.size()) {
                    int candidate = unscored.get(rating.passage() - 1);
                    int score = Math.max(0, Math.min(10, rating.relevance()));
                    relevance.put(candidate, score);
                    write(key(question, id.apply(candidates.get(candidate))), score);
                }
            }
        }
        List<RankFusion.Scored<T>> ranked = IntStream.range(0, candidates.size()).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -relevance.getOrDefault(i, -1)))
                .map(i -> new RankFusion.Scored<>(candidates.get(i), relevance.getOrDefault(i, -1)))
                .toList();
        return new Reranked<>(ranked, unscored.size(), candidates.size() - unscored.size());
    }

    private String key(String question, String chunkId) {
        return DigestUtils.sha256Hex(model + "\n" + question.strip() + "\n" + chunkId);
    }

    private Integer read(String key) {
        Path file = cache.resolve(key);
        try {
            return Files.exists(file) ? Integer.valueOf(Files.readString(file).strip()) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** Writes atomically, so that concurrent tasks scoring the same chunk never read half a file. */
    private void write(String key, int score) {
        try {
            Files.createDirectories(cache);
            Path temp = Files.createTempFile(cache, key, ".tmp");
            Files.writeString(temp, Integer.toString(score));
            try {
                Files.move(temp, cache.resolve(key), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, cache.resolve(key), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the rerank cache at " + cache + ": " + e.getMessage(), e);
        }
    }
}
