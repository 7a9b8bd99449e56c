package dev.gale.llm.rag;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.gale.llm.OnnxEmbeddingEngine;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.IntStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reorders retrieved passages with a cross-encoder: a BERT-style ONNX model (such as
 * ms-marco-MiniLM-L-6-v2 exported to ONNX) that reads the question and a passage together and gives one
 * relevance logit, with its HuggingFace {@code tokenizer.json}. Each (question, passage) pair is tokenised
 * as the model was trained (token types 0 for the question, 1 for the passage), cut to the tokenizer's
 * truncation length (longest part first), and the pairs run in batches on ONNX Runtime. The model's
 * output may be {@code [batch]}, {@code [batch, 1]} or a two-class {@code [batch, 2]}, whose second
 * (positive) class is the score. Ties keep the order retrieval gave.
 * <p>
 * Configured on the worker by {@code GALE_RERANK_MODEL} (the {@code .onnx} file; system property
 * {@code gale.rerank.model}) and {@code GALE_RERANK_TOKENIZER} ({@code gale.rerank.tokenizer}; by
 * default the {@code tokenizer.json} beside the model).
 * <p>
 * The session runs on the CPU with the process's cores as intra-op threads, one batch at a time: concurrent
 * reranks (rag_eval's mapped questions) wait their turn rather than each spawning a thread pool.
 */
public final class CrossEncoderReranker implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** BERT's position embeddings, when the tokenizer names no truncation length. */
    private static final int DEFAULT_MAX_LENGTH = 512;
    private static final int BATCH = 16;
    private static final Map<ModelFiles, CrossEncoderReranker> LOADED = new ConcurrentHashMap<>();

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final String name;
    private final Path model;
    private final boolean tokenTypes;
    private final int maxLength;
    private final ReentrantLock turn = new ReentrantLock(true);

    /** The model file and its tokenizer. */
    private record ModelFiles(Path model, Path tokenizer) {
    }

    /** The candidates reordered (each scored by its logit) and how many pairs were cut to the model's length. */
    public record Reranked<T>(List<RankFusion.Scored<T>> ranked, int truncated) {
    }

    private CrossEncoderReranker(Path model, Path tokenizerJson) {
        this.model = model;
        this.name = name(model);
        requireFile(model, "the cross-encoder model (GALE_RERANK_MODEL)");
        requireFile(tokenizerJson, "the cross-encoder's tokenizer (GALE_RERANK_TOKENIZER)");
        this.maxLength = maxLength(tokenizerJson);
        try {
            this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("padding", "false",
                    "truncation", "longest_first", "maxLength", Integer.toString(maxLength)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the cross-encoder's tokenizer " + tokenizerJson
                    + " is not a HuggingFace tokenizer.json: " + e.getMessage(), e);
        }
        this.environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = OnnxEmbeddingEngine.cpuOptions(
                Runtime.getRuntime().availableProcessors())) {
            this.session = environment.createSession(model.toString(), options);
        } catch (OrtException e) {
            tokenizer.close();
            throw new IllegalArgumentException("the cross-encoder model " + model + " cannot be loaded by ONNX"
                    + " Runtime: " + e.getMessage(), e);
        }
        try {
            this.tokenTypes = checkSignature();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Loads {@code model} (an ONNX cross-encoder) with {@code tokenizerJson}; the caller closes it.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static CrossEncoderReranker load(Path model, Path tokenizerJson) {
        return new CrossEncoderReranker(model, tokenizerJson);
    }

    /**
     * The cross-encoder the worker is configured with, loaded once per process and kept for its life;
     * empty when {@code GALE_RERANK_MODEL} is not set.
     *
     * @throws IllegalArgumentException when the setting names a file that is missing or not a cross-encoder
     */
    public static Optional<CrossEncoderReranker> configured() {
        String model = setting("gale.rerank.model", "GALE_RERANK_MODEL");
        if (model == null) {
            return Optional.empty();
        }
        Path modelPath = Path.of(model).toAbsolutePath();
        String tokenizer = setting("gale.rerank.tokenizer", "GALE_RERANK_TOKENIZER");
        Path tokenizerPath = tokenizer == null ? modelPath.resolveSibling("tokenizer.json")
                : Path.of(tokenizer).toAbsolutePath();
        return Optional.of(LOADED.computeIfAbsent(new ModelFiles(modelPath, tokenizerPath),
                f -> new CrossEncoderReranker(f.model(), f.tokenizer())));
    }

    /** The model's name: its file name without {@code .onnx}, or its directory's for the usual {@code model.onnx}. */
    public String name() {
        return name;
    }

    /** The longest pair, in tokens with the special ones, that the model reads; longer pairs are cut. */
    public int maxLength() {
        return maxLength;
    }

    /**
     * {@code candidates} (best first) reordered by the model's logit for ({@code question}, the
     * candidate's {@code text}), highest first.
     */
    public <T> Reranked<T> rerank(String question, List<T> candidates, Function<T, String> text) {
        List<Encoding> pairs = new ArrayList<>(candidates.size());
        int truncated = 0;
        for (T candidate : candidates) {
            Encoding pair = tokenizer.encode(question.strip(), text.apply(candidate), true, false);
            truncated += pair.exceedMaxLength() ? 1 : 0;
            pairs.add(pair);
        }
        double[] logits = new double[candidates.size()];
        for (int from = 0; from < pairs.size(); from += BATCH) {
            List<Encoding> batch = pairs.subList(from, Math.min(pairs.size(), from + BATCH));
            float[] scores = run(batch);
            for (int b = 0; b < batch.size(); b++) {
                logits[from + b] = scores[b];
            }
        }
        List<RankFusion.Scored<T>> ranked = IntStream.range(0, candidates.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]))
                .map(i -> new RankFusion.Scored<>(candidates.get(i), logits[i]))
                .toList();
        return new Reranked<>(ranked, truncated);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the cross-encoder " + model + ": " + e.getMessage(), e);
        } finally {
            tokenizer.close();
        }
    }

    /** One batch, padded to its longest pair: each pair's logit. */
    private float[] run(List<Encoding> batch) {
        int length = batch.stream().mapToInt(e -> e.getIds().length).max().orElse(0);
        long[] ids = new long[batch.size() * length];
        long[] mask = new long[ids.length];
        long[] types = new long[ids.length];
        for (int b = 0; b < batch.size(); b++) {
            Encoding pair = batch.get(b);
            int n = pair.getIds().length;
            System.arraycopy(pair.getIds(), 0, ids, b * length, n);
            System.arraycopy(pair.getTypeIds(), 0, types, b * length, n);
            Arrays.fill(mask, b * length, b * length + n, 1L);
        }
        long[] shape = {batch.size(), length};
        turn.lock();
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
             OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
             OnnxTensor typesTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape)) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("input_ids", idsTensor);
            inputs.put("attention_mask", maskTensor);
            if (tokenTypes) {
                inputs.put("token_type_ids", typesTensor);
            }
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor output = (OnnxTensor) result.get(0);
                return logits(output.getFloatBuffer(), output.getInfo().getShape(), batch.size());
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to score a batch with the cross-encoder " + model
                    + ": " + e.getMessage(), e);
        } finally {
            turn.unlock();
        }
    }

    /** One logit per pair from {@code [n]}, {@code [n, 1]} or {@code [n, 2]} (the positive class). */
    private float[] logits(FloatBuffer values, long[] shape, int pairs) {
        long classes = shape.length == 1 ? 1 : shape[1];
        if (shape.length > 2 || shape[0] != pairs || classes < 1 || classes > 2) {
            throw new IllegalStateException("the cross-encoder " + model + " gave an output of shape "
                    + Arrays.toString(shape) + " for " + pairs + " pairs; expected [" + pairs + "], [" + pairs
                    + ", 1] or [" + pairs + ", 2]");
        }
        float[] logits = new float[pairs];
        for (int b = 0; b < pairs; b++) {
            logits[b] = values.get((int) (b * classes + classes - 1));
        }
        return logits;
    }

    /**
     * Checks that the model takes {@code input_ids} and {@code attention_mask} (and perhaps
     * {@code token_type_ids}, nothing else) and gives float logits of one of the shapes read; true when it
     * takes token types.
     */
    private boolean checkSignature() {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            List<String> known = List.of("input_ids", "attention_mask", "token_type_ids");
            if (!inputs.containsKey("input_ids") || !inputs.containsKey("attention_mask")
                    || !known.containsAll(inputs.keySet())) {
                throw new IllegalArgumentException("the cross-encoder model " + model + " takes the inputs "
                        + inputs.keySet() + "; a cross-encoder takes input_ids, attention_mask and optionally"
                        + " token_type_ids");
            }
            NodeInfo output = session.getOutputInfo().values().iterator().next();
            if (!(output.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT
                    || !validLogitShape(tensor.getShape())) {
                throw new IllegalArgumentException("the cross-encoder model " + model + " gives '" + output.getName()
                        + "' as " + output.getInfo() + "; a cross-encoder gives float logits of shape [batch],"
                        + " [batch, 1] or [batch, 2]");
            }
            return inputs.containsKey("token_type_ids");
        } catch (OrtException e) {
            throw new IllegalArgumentException("cannot read the inputs and outputs of the cross-encoder model "
                    + model + ": " + e.getMessage(), e);
        }
    }

    /** A dimension of -1 is dynamic: the model fixes it only when it runs. */
    private static boolean validLogitShape(long[] shape) {
        return shape.length == 1 || shape.length == 2 && (shape[1] == -1 || shape[1] == 1 || shape[1] == 2);
    }

    private static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(what + " " + file + " is not a readable file");
        }
    }

    private static String name(Path model) {
        String file = model.getFileName().toString().replaceFirst("(?i)\\.onnx$", "");
        Path directory = model.toAbsolutePath().getParent();
        return file.equals("model") && directory != null && directory.getFileName() != null
                ? directory.getFileName().toString() : file;
    }

    /** The tokenizer's own truncation length, which the model was trained to. */
    private static int maxLength(Path tokenizerJson) {
        try {
            return JSON.readTree(tokenizerJson.toFile()).path("truncation").path("max_length")
                    .asInt(DEFAULT_MAX_LENGTH);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the cross-encoder's tokenizer " + tokenizerJson + " is not JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }
}
