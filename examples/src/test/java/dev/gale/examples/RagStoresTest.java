package dev.gale.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.sdk.Dag;
import dev.gale.sdk.spec.ParamSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store setting of the RAG DAGs: a run that cannot reach its index fails first, naming the setting. */
class RagStoresTest {
    @Test
    void pgvectorWithoutAConnectionFailsNamingBothSettings() {
        assertThatThrownBy(() -> new RagStores.Choice("pgvector", " ", "docs"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("conf store is pgvector but conf connection is empty: name the Gale"
                        + " Connection (type postgres) to the database that holds the index");
        assertThatThrownBy(() -> new RagStores.Choice("chroma", "", "docs"))
                .hasMessage("conf store must be lucene or pgvector, not 'chroma'");
        assertThatThrownBy(() -> new RagStores.Choice("pgvector", "rag_db", "a".repeat(41)))
                .hasMessageContaining("not allowed for the pgvector store");
    }

    @Test
    void luceneIsTheDefaultAndNeedsNoConnection() {
        RagStores.Choice choice = new RagStores.Choice("lucene", null, "docs");
        assertThat(choice.isLucene()).isTrue();
        assertThat(choice.connection()).isEmpty();
        assertThat(new RagStores.Choice("pgvector", " rag_db ", "docs").connection()).isEqualTo("rag_db");
    }

    @Test
    void theThreeRagDagsOfferTheStoreSettingWithLuceneAsDefault() {
        for (Dag dag : List.of(RagIngest.dag(), RagAnswer.dag(), RagEval.dag())) {
            ParamSpec store = dag.spec().params().stream().filter(p -> p.name().equals("store")).findFirst().orElseThrow();
            assertThat(store.defaultValue()).as(dag.dagId()).isEqualTo("lucene");
            assertThat(store.allowedValues()).containsExactly("lucene", "pgvector");
            assertThat(dag.spec().params()).as(dag.dagId()).anyMatch(p -> p.name().equals("connection"));
        }
    }
}
