package dev.gale.llm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The chat "model" of a deployment that configured none: it quotes the passages it was given that
 * best match the question, with their sources, and says that no language model was configured. It
 * generates nothing. The question is the last paragraph of the user message; the paragraphs before
 * it are the passages, each optionally starting with its source in brackets ({@code [handbook.pdf]}).
 */
final class ExtractiveAnswerer {
    static final String NOTICE = "No language model is configured in this deployment, so this is not a generated"
            + " answer: these are the passages given that best match the question, quoted as they are.";
    private static final int MAX_PASSAGES = 3;
    private static final Pattern SOURCE = Pattern.compile("^\\[([^\\]]+)]\\s*(.*)$", Pattern.DOTALL);
    private static final Set<String> STOPWORDS = Set.of("the", "and", "for", "are", "was", "what", "which", "who",
            "how", "why", "when", "where", "does", "did", "with", "this", "that", "from", "into", "about", "have",
            "has", "its", "our", "your", "their", "there", "can", "will", "would", "should", "could", "not", "you");

    private ExtractiveAnswerer() {
    }

    private record Passage(String source, String text, long score) {
    }

    static String answer(String user) {
        List<String> paragraphs = Arrays.stream(user.strip().split("\\R\\s*\\R")).map(String::strip)
                .filter(p -> !p.isEmpty()).toList();
        if (paragraphs.size() < 2) {
            return NOTICE + "\n\nNo passages were given to quote: put them before the question, one paragraph each.";
        }
        Set<String> questionTerms = terms(paragraphs.getLast());
        List<Passage> passages = new ArrayList<>();
        for (int i = 0; i < paragraphs.size() - 1; i++) {
            Matcher sourced = SOURCE.matcher(paragraphs.get(i));
            String source = sourced.matches() ? sourced.group(1) : "passage " + (i + 1);
            String text = sourced.matches() ? sourced.group(2).strip() : paragraphs.get(i);
            long score = terms(text).stream().filter(questionTerms::contains).count();
            passages.add(new Passage(source, text, score));
        }
        List<Passage> best = passages.stream().filter(p -> p.score() > 0)
                .sorted(Comparator.comparingLong(Passage::score).reversed()).limit(MAX_PASSAGES).toList();
        if (best.isEmpty()) {
            return NOTICE + "\n\nNone of the " + passages.size() + " passages given shares a word with the question.";
        }
        return NOTICE + "\n\n" + best.stream().map(p -> "[" + p.source() + "] " + p.text())
                .collect(Collectors.joining("\n\n"));
    }

    private static Set<String> terms(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(w -> w.length() > 2 && !STOPWORDS.contains(w)).map(ExtractiveAnswerer::stem)
                .collect(Collectors.toSet());
    }

    /** A crude English stemmer, enough for "charged" to meet "charges" and "refund" to meet "refunds". */
    private static String stem(String word) {
        for (String suffix : List.of("ing", "ed", "es", "s")) {
            if (word.endsWith(suffix) && word.length() - suffix.length() >= 3) {
                return word.substring(0, word.length() - suffix.length());
            }
        }
        return word;
    }
}
