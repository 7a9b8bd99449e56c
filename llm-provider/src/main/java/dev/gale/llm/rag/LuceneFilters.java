package dev.gale.llm.rag;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.WildcardQuery;

/**
 * How a chunk's metadata is indexed so that a {@link RetrievalFilter} becomes one Lucene query, which the
 * vector search applies while it walks the HNSW graph and the BM25 search as a filter clause: a filtered
 * search finds the best matches within the filter, not the filtered remains of the best matches overall.
 */
final class LuceneFilters {
    /** Every metadata value, as it is: {@code meta.path}, {@code meta.type} ... */
    static final String META = "meta.";
    private static final String HEADING_PART = "filter.heading";
    private static final String FIELD_VALUE = "filter.field.";
    private static final String DAY = "filter.day";

    private LuceneFilters() {
    }

    /** Adds the fields that filters search to {@code doc}. */
    static void index(Document doc, Map<String, Object> metadata) {
        metadata.forEach((key, value) -> doc.add(new StringField(META + key, String.valueOf(value), Field.Store.NO)));
        if (metadata.get("heading") instanceof String heading) {
            for (String part : heading.split(" > ")) {
                doc.add(new StringField(HEADING_PART, lower(part), Field.Store.NO));
            }
        }
        metadata.forEach((key, value) -> {
            if (key.startsWith(Chunk.FIELD)) {
                for (String part : String.valueOf(value).split(Chunk.LIST_SEPARATOR)) {
                    doc.add(new StringField(FIELD_VALUE + key.substring(Chunk.FIELD.length()), lower(part),
                            Field.Store.NO));
                }
            }
        });
        if (metadata.get("date") instanceof String date) {
            try {
                doc.add(new LongPoint(DAY, LocalDate.parse(date).toEpochDay()));
            } catch (DateTimeParseException e) {
                // A segment added through LangChain4j's API may carry any "date"; it is then not date-filterable.
            }
        }
    }

    /** The query of {@code filter}, or null when it filters nothing. */
    static Query query(RetrievalFilter filter) {
        if (filter.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        if (filter.pathPrefix() != null) {
            String prefix = filter.pathPrefix();
            all.add(prefix.startsWith("/") ? new PrefixQuery(new Term(META + "path", prefix))
                    : new WildcardQuery(new Term(META + "path", "*/" + escape(prefix) + "*")),
                    BooleanClause.Occur.FILTER);
        }
        if (!filter.types().isEmpty()) {
            BooleanQuery.Builder any = new BooleanQuery.Builder();
            filter.types().forEach(t -> any.add(new TermQuery(new Term(META + "type", lower(t))),
                    BooleanClause.Occur.SHOULD));
            all.add(any.build(), BooleanClause.Occur.FILTER);
        }
        if (filter.heading() != null) {
            all.add(new TermQuery(new Term(HEADING_PART, lower(filter.heading()))), BooleanClause.Occur.FILTER);
        }
        if (filter.dateFrom() != null || filter.dateTo() != null) {
            all.add(LongPoint.newRangeQuery(DAY, filter.dateFrom() == null ? Long.MIN_VALUE
                            : filter.dateFrom().toEpochDay(), filter.dateTo() == null ? Long.MAX_VALUE
                            : filter.dateTo().toEpochDay()), BooleanClause.Occur.FILTER);
        }
        filter.fields().forEach((key, value) -> all.add(new TermQuery(new Term(FIELD_VALUE + key, lower(value))),
                BooleanClause.Occur.FILTER));
        return all.build();
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
    }

    private static String lower(String text) {
        return text.strip().toLowerCase(Locale.ROOT);
    }
}
