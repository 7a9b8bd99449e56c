package dev.gale.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The embed scenario's chunks: the same texts on every machine and every run, shaped like a RAG
 * ingestion's chunks (a few sentences, 60 to 120 words, roughly 100 to 200 tokens).
 */
final class EmbedChunks {
    private static final String[] WORDS = ("the a an of to in for on with by from as at into about pipeline data"
            + " model training inference embedding vector index chunk document query answer retrieval ranking"
            + " worker scheduler task queue run retry latency throughput budget cost token prompt context cluster"
            + " node gpu memory batch shard replica database table column schema migration backup snapshot"
            + " customer invoice order payment refund shipment warehouse inventory supplier contract policy"
            + " employee vacation benefit holiday office meeting report quarter revenue growth forecast risk"
            + " compliance audit security access password incident outage recovery deploy release version"
            + " feature experiment metric dashboard alert threshold anomaly trend season weekly monthly annual"
            + " quickly carefully reliably rarely often usually always never must should may can will does"
            + " reads writes stores loads sends checks builds trains scores compares merges splits filters").split(" ");

    private EmbedChunks() {
    }

    /** {@code count} chunks from a fixed seed. */
    static List<String> generate(int count) {
        Random random = new Random(20_260_101L);
        List<String> chunks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int words = 60 + random.nextInt(61);
            StringBuilder chunk = new StringBuilder("Chunk ").append(i).append(':');
            for (int w = 0; w < words; w++) {
                chunk.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
                if (w % 12 == 11 || w == words - 1) {
                    chunk.append('.');
                }
            }
            chunks.add(chunk.toString());
        }
        return chunks;
    }
}
