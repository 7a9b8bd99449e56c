package dev.gale.llm.rag;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Rewordings of a question without a language model: deterministic keyword extraction, so that
 * retrieval runs several queries as in the talk even offline. They are (1) the question's keywords
 * without its framing ("how do I", "what is"), (2) its four longest (rarest-looking) keywords, and
 * (3) its neighbouring keyword pairs, which the embedding model reads as phrases.
 */
public final class QueryRewordings {
    private static final Set<String> STOPWORDS = Set.of("a", "an", "the", "and", "or", "of", "to", "in", "on", "at",
            "for", "is", "are", "was", "were", "be", "been", "do", "does", "did", "i", "me", "my", "we", "our", "you",
            "your", "it", "its", "this", "that", "these", "those", "what", "which", "who", "whom", "how", "why", "when",
            "where", "can", "could", "should", "would", "will", "shall", "may", "might", "must", "with", "by", "from",
            "as", "into", "about", "there", "their", "they", "them", "if", "then", "than", "so", "not", "no", "any",
            "some", "have", "has", "had", "get", "gets", "use", "using", "used", "make", "way", "ways", "please", "tell");

    private QueryRewordings() {
    }

    public static List<String> keywords(String question) {
        Set<String> words = new LinkedHashSet<>();
        for (String w : question.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}_.-]+")) {
            String word = w.replaceAll("^[.-]+|[.-]+$", "");
            if (word.length() > 1 && !STOPWORDS.contains(word)) {
                words.add(word);
            }
        }
        return new ArrayList<>(words);
    }

    /** Three rewordings of {@code question}; fewer distinct ones when the question has few keywords. */
    public static List<String> of(String question) {
        List<String> keywords = keywords(question);
        if (keywords.isEmpty()) {
            return List.of(question.strip());
        }
        Set<String> rewordings = new LinkedHashSet<>();
        rewordings.add(String.join(" ", keywords));
        List<String> byLength = new ArrayList<>(keywords);
        byLength.sort((a, b) -> Integer.compare(b.length(), a.length()));
        rewordings.add(String.join(" ", byLength.subList(0, Math.min(4, byLength.size()))));
        if (keywords.size() > 1) {
            List<String> pairs = new ArrayList<>();
            for (int i = 0; i + 1 < keywords.size(); i++) {
                pairs.add(keywords.get(i) + " " + keywords.get(i + 1));
            }
            rewordings.add(String.join(", ", pairs));
        } else {
            rewordings.add(question.strip().toLowerCase(Locale.ROOT));
        }
        return new ArrayList<>(rewordings);
    }
}
