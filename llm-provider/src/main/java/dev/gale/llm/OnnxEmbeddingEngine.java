package dev.gale.llm;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One in-process BERT-style embedding model (an ONNX file and its HuggingFace {@code tokenizer.json}, as
 * LangChain4j's in-process models ship them) on one device, shared by every task of the worker process.
 * <p>
 * Each text is tokenised once. A text that fits the model's window (the tokenizer's truncation length, 128
 * tokens for all-MiniLM-L6-v2) is embedded as it is, giving LangChain4j's vector for it; a longer one is
 * embedded in consecutive windows whose vectors are averaged, weighted by their tokens, so no part of it is
 * dropped. Windows are sorted by length and run in batches, each padded only to its longest window. One batch
 * runs at a time on the session, its intra-op threads sized to the cores the worker may use: concurrent
 * embedding calls from several task instances wait their turn, batch by batch, instead of oversubscribing
 * the CPU with one thread pool each.
 */
public final class OnnxEmbeddingEngine implements EmbeddingModel, AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** BERT's position embeddings, when the tokenizer names no truncation length. */
    private static final int DEFAULT_WINDOW = 512;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final String device;
    private final boolean tokenTypes;
    private final PoolingMode pooling;
    private final int window;
    private final int batchSize;
    private final int dimension;
    private final ReentrantLock turn = new ReentrantLock(true);

    /**
     * Where and how a session runs: a name for errors ({@code cpu}, {@code cuda:0}), its ONNX Runtime options
     * (CPU threads, or a CUDA device) and windows per call.
     */
    public record Device(String name, int batchSize, OrtSession.SessionOptions options) {
    }

    /**
     * Loads {@code model} (ONNX bytes) with {@code tokenizerJson} on {@code device}; {@code dimension} is
     * the model's vector size.
     */
    public OnnxEmbeddingEngine(byte[] model, byte[] tokenizerJson, PoolingMode pooling, int dimension, Device device)
            throws OrtException {
        this.environment = OrtEnvironment.getEnvironment();
        this.session = environment.createSession(model, device.options());
        this.device = device.name();
        this.tokenTypes = session.getInputNames().contains("token_type_ids");
        this.pooling = pooling;
        this.dimension = dimension;
        this.batchSize = device.batchSize();
        this.window = window(tokenizerJson);
        try {
            this.tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson),
                    Map.of("padding", "false", "truncation", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer", e);
        }
    }

    /** CPU options: {@code threads} intra-op threads, nothing run in parallel between operators. */
    public static OrtSession.SessionOptions cpuOptions(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        return options;
    }

    /** The longest token sequence (with its special tokens) that the model embeds in one piece. */
    public int window() {
        return window;
    }

    /** Tokens in {@code text} as the model counts them, with its special tokens. */
    public int countTokens(String text) {
        return tokenizer.encode(text, true, false).getIds().length;
    }

    /** The vectors of {@code texts}, in order, with the tokens fed to the model and the texts it windowed. */
    public Embeddings embedTexts(List<String> texts) {
        List<Piece> pieces = new ArrayList<>();
        int windowed = 0;
        for (int i = 0; i < texts.size(); i++) {
            Encoding encoding = tokenizer.encode(texts.get(i), true, false);
            List<Piece> of = pieces(i, encoding.getIds(), encoding.getTokens());
            windowed += of.size() > 1 ? 1 : 0;
            pieces.addAll(of);
        }
        pieces.sort(Comparator.comparingInt(p -> p.ids().length));
        float[][] sums = new float[texts.size()][dimension];
        int[] weights = new int[texts.size()];
        long tokens = 0;
        for (int from = 0; from < pieces.size(); from += batchSize) {
            List<Piece> batch = pieces.subList(from, Math.min(pieces.size(), from + batchSize));
            float[][] vectors = run(batch);
            for (int b = 0; b < batch.size(); b++) {
                Piece piece = batch.get(b);
                for (int d = 0; d < dimension; d++) {
                    sums[piece.text()][d] += vectors[b][d] * piece.weight();
                }
                weights[piece.text()] += piece.weight();
                tokens += piece.ids().length;
            }
        }
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            vectors.add(normalize(sums[i], weights[i]));
        }
        return new Embeddings(vectors, tokens, windowed);
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        Embeddings embedded = embedTexts(segments.stream().map(TextSegment::text).toList());
        return Response.from(embedded.vectors().stream().map(Embedding::from).toList(),
                new TokenUsage(Math.toIntExact(embedded.tokens())));
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public void close() throws OrtException {
        session.close();
        tokenizer.close();
    }

    /** A token sequence for the model (special tokens included) and the text it belongs to. */
    private record Piece(int text, long[] ids, int weight) {
    }

    /**
     * The text's whole sequence when it fits the window; else its tokens between the first (CLS) and the
     * last (SEP) in windows that never start inside a word, each framed by those two again. A window weighs
     * its tokens without the frame, as LangChain4j weighs its partitions.
     */
    private List<Piece> pieces(int text, long[] ids, String[] tokens) {
        if (ids.length <= window) {
            return List.of(new Piece(text, ids, Math.max(1, ids.length - 2)));
        }
        List<Piece> pieces = new ArrayList<>();
        int inner = window - 2;
        int from = 1;
        int end = ids.length - 1;
        while (from < end) {
            int to = Math.min(end, from + inner);
            while (to < end && to > from + 1 && tokens[to].startsWith("##")) {
                to--;
            }
            long[] piece = new long[to - from + 2];
            piece[0] = ids[0];
            System.arraycopy(ids, from, piece, 1, to - from);
            piece[piece.length - 1] = ids[end];
            pieces.add(new Piece(text, piece, to - from));
            from = to;
        }
        return pieces;
    }

    /** One batch on the session: each piece's pooled vector. */
    private float[][] run(List<Piece> batch) {
        int length = batch.getLast().ids().length;
        long[] ids = new long[batch.size() * length];
        long[] mask = new long[ids.length];
        for (int b = 0; b < batch.size(); b++) {
            long[] piece = batch.get(b).ids();
            System.arraycopy(piece, 0, ids, b * length, piece.length);
            Arrays.fill(mask, b * length, b * length + piece.length, 1L);
        }
        long[] shape = {batch.size(), length};
        turn.lock();
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
             OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
             OnnxTensor typesTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[ids.length]),
                     shape)) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("input_ids", idsTensor);
            inputs.put("attention_mask", maskTensor);
            if (tokenTypes) {
                inputs.put("token_type_ids", typesTensor);
            }
            try (OrtSession.Result result = session.run(inputs)) {
                return pool(((OnnxTensor) result.get(0)).getFloatBuffer(), batch, length);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to embed a batch on " + device + ": " + e.getMessage(),
                    e);
        } finally {
            turn.unlock();
        }
    }

    /** Mean of each piece's token states (its padding left out), or its first (CLS) state. */
    private float[][] pool(FloatBuffer states, List<Piece> batch, int length) {
        float[][] pooled = new float[batch.size()][dimension];
        for (int b = 0; b < batch.size(); b++) {
            int tokens = pooling == PoolingMode.CLS ? 1 : batch.get(b).ids().length;
            int base = b * length * dimension;
            for (int t = 0; t < tokens; t++) {
                for (int d = 0; d < dimension; d++) {
                    pooled[b][d] += states.get(base + t * dimension + d);
                }
            }
            for (int d = 0; d < dimension; d++) {
                pooled[b][d] /= tokens;
            }
        }
        return pooled;
    }

    private static float[] normalize(float[] sum, int weight) {
        double norm = 0;
        for (float v : sum) {
            norm += (double) (v / weight) * (v / weight);
        }
        float scale = (float) (1 / Math.sqrt(norm));
        float[] vector = new float[sum.length];
        for (int d = 0; d < sum.length; d++) {
            vector[d] = sum[d] / weight * scale;
        }
        return vector;
    }

    /** The tokenizer's own truncation length, which the model was trained to: its window. */
    private static int window(byte[] tokenizerJson) {
        JsonNode truncation = JSON.readTree(tokenizerJson).path("truncation");
        return truncation.path("max_length").asInt(DEFAULT_WINDOW);
    }
}
