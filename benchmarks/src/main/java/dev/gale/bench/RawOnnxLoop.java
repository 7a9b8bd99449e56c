package dev.gale.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What the model itself can do on this machine, outside Gale: ONNX Runtime straight on the local model's
 * files, every text tokenised once (cut at the model's window), sorted by length, run in batches with
 * a fixed number of intra-op threads, and mean-pooled. Gale's ingestion is measured against it.
 */
final class RawOnnxLoop {
    private static final String MODEL = "/all-minilm-l6-v2.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

    /** Tokens the model read and the seconds it took (tokenising included). */
    record Result(long tokens, double seconds) {
        double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    private RawOnnxLoop() {
    }

    static Result run(List<String> texts, int batch, int threads) throws OrtException, IOException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            try (OrtSession session = environment.createSession(resource(MODEL), options);
                 InputStream tokenizerJson = AllMiniLmL6V2EmbeddingModel.class.getResourceAsStream(TOKENIZER);
                 HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                         Map.of("padding", "false"))) {
                embed(environment, session, tokenizer, texts.subList(0, Math.min(batch, texts.size())), batch);
                long started = System.nanoTime();
                long tokens = embed(environment, session, tokenizer, texts, batch);
                return new Result(tokens, (System.nanoTime() - started) / 1e9);
            }
        }
    }

    private static long embed(OrtEnvironment environment, OrtSession session, HuggingFaceTokenizer tokenizer,
                              List<String> texts, int batch) throws OrtException {
        long[][] sequences = texts.stream().map(t -> tokenizer.encode(t, true, false)).map(Encoding::getIds)
                .sorted(Comparator.comparingInt(ids -> ids.length)).toArray(long[][]::new);
        long tokens = 0;
        for (int from = 0; from < sequences.length; from += batch) {
            long[][] group = Arrays.copyOfRange(sequences, from, Math.min(sequences.length, from + batch));
            int length = group[group.length - 1].length;
            long[] ids = new long[group.length * length];
            long[] mask = new long[ids.length];
            for (int b = 0; b < group.length; b++) {
                System.arraycopy(group[b], 0, ids, b * length, group[b].length);
                Arrays.fill(mask, b * length, b * length + group[b].length, 1L);
                tokens += group[b].length;
            }
            long[] shape = {group.length, length};
            try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
                 OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
                 OnnxTensor types = OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[ids.length]), shape);
                 OrtSession.Result result = session.run(Map.of("input_ids", idsTensor, "attention_mask", maskTensor,
                         "token_type_ids", types))) {
                meanPool(((OnnxTensor) result.get(0)).getFloatBuffer(), group, length);
            }
        }
        return tokens;
    }

    private static float[][] meanPool(FloatBuffer states, long[][] group, int length) {
        int dimension = states.capacity() / (group.length * length);
        float[][] pooled = new float[group.length][dimension];
        for (int b = 0; b < group.length; b++) {
            for (int t = 0; t < group[b].length; t++) {
                for (int d = 0; d < dimension; d++) {
                    pooled[b][d] += states.get((b * length + t) * dimension + d) / group[b].length;
                }
            }
        }
        return pooled;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = AllMiniLmL6V2EmbeddingModel.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
