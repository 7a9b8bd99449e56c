package dev.gale.llm.rag;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a tiny ONNX cross-encoder for tests (no real model can be downloaded here): it takes
 * {@code input_ids}, {@code attention_mask} and {@code token_type_ids} like a BERT cross-encoder, looks
 * each token up in a one-float-per-token table of the all-MiniLM-L6-v2 tokenizer's vocabulary, and sums
 * the passage's tokens (token type 1, mask 1). Every token weighs 0 but {@code word}'s, which weighs 10:
 * a passage's logit is 10 times the times it holds the word, whatever the question says. The bytes are
 * {@code onnx.ModelProto} written field by field with the official field numbers of onnx.proto.
 */
public final class TinyCrossEncoder {
    /** The shape of the model's output. */
    public enum Output { LOGIT, FLAT, TWO_CLASS }

    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int ATTRIBUTE_INT = 2;

    private TinyCrossEncoder() {
    }

    /** The tokenizer.json of the tests' vocabulary, written to {@code directory}. */
    public static Path writeTokenizer(Path directory) throws IOException {
        try (InputStream in = AllMiniLmL6V2EmbeddingModel.class.getResourceAsStream(
                "/all-minilm-l6-v2-tokenizer.json")) {
            Path file = directory.resolve("tokenizer.json");
            Files.write(file, in.readAllBytes());
            return file;
        }
    }

    /**
     * Writes {@code model.onnx} (and {@code tokenizer.json}) into {@code directory}: {@code word} must be
     * one token; {@code withMask} false leaves out the {@code attention_mask} input.
     */
    public static Path write(Path directory, String word, Output output, boolean withMask) throws IOException {
        Path tokenizer = writeTokenizer(directory);
        long wordId;
        int vocabulary;
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(tokenizer)) {
            long[] ids = hf.encode(word, false, false).getIds();
            if (ids.length != 1) {
                throw new IllegalArgumentException(word + " is not one token");
            }
            wordId = ids[0];
        }
        vocabulary = JsonMapper.builder().build().readTree(tokenizer.toFile()).path("model").path("vocab").size();
        ByteBuffer weights = ByteBuffer.allocate(vocabulary * 4).order(ByteOrder.LITTLE_ENDIAN);
        weights.putFloat((int) wordId * 4, 10f);

        List<byte[]> nodes = new ArrayList<>();
        nodes.add(node("Gather", List.of("weights", "input_ids"), "token_scores", Map.of()));
        nodes.add(node("Cast", List.of("token_type_ids"), "types", Map.of("to", (long) FLOAT)));
        nodes.add(node("Mul", List.of("token_scores", "types"), "passage_scores", Map.of()));
        String summed = "passage_scores";
        if (withMask) {
            nodes.add(node("Cast", List.of("attention_mask"), "mask", Map.of("to", (long) FLOAT)));
            nodes.add(node("Mul", List.of("passage_scores", "mask"), "masked", Map.of()));
            summed = "masked";
        }
        long keep = output == Output.FLAT ? 0 : 1;
        String sum = output == Output.TWO_CLASS ? "positive" : "logits";
        nodes.add(node("ReduceSum", List.of(summed, "axes"), sum, Map.of("keepdims", keep)));
        if (output == Output.TWO_CLASS) {
            nodes.add(node("Neg", List.of("positive"), "negative", Map.of()));
            nodes.add(node("Concat", List.of("negative", "positive"), "logits", Map.of("axis", 1L)));
        }

        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        CodedOutputStream g = CodedOutputStream.newInstance(graph);
        for (byte[] node : nodes) {
            g.writeByteArray(1, node);
        }
        g.writeString(2, "tiny-cross-encoder");
        g.writeByteArray(5, tensor("weights", FLOAT, new long[] {vocabulary}, weights.array()));
        g.writeByteArray(5, tensor("axes", INT64, new long[] {1},
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1).array()));
        g.writeByteArray(11, valueInfo("input_ids", INT64, "batch", "sequence"));
        if (withMask) {
            g.writeByteArray(11, valueInfo("attention_mask", INT64, "batch", "sequence"));
        }
        g.writeByteArray(11, valueInfo("token_type_ids", INT64, "batch", "sequence"));
        switch (output) {
            case LOGIT -> g.writeByteArray(12, valueInfo("logits", FLOAT, "batch", 1L));
            case FLAT -> g.writeByteArray(12, valueInfo("logits", FLOAT, "batch"));
            case TWO_CLASS -> g.writeByteArray(12, valueInfo("logits", FLOAT, "batch", 2L));
        }
        g.flush();

        ByteArrayOutputStream opset = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(opset);
        o.writeString(1, "");
        o.writeInt64(2, 13);
        o.flush();

        ByteArrayOutputStream model = new ByteArrayOutputStream();
        CodedOutputStream m = CodedOutputStream.newInstance(model);
        m.writeInt64(1, 8);
        m.writeString(2, "gale-tests");
        m.writeByteArray(7, graph.toByteArray());
        m.writeByteArray(8, opset.toByteArray());
        m.flush();
        Path file = directory.resolve("model.onnx");
        Files.write(file, model.toByteArray());
        return file;
    }

    /** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5 (AttributeProto: name 1, i 3, type 20). */
    private static byte[] node(String op, List<String> inputs, String output, Map<String, Long> attributes) {
        return message(out -> {
            for (String input : inputs) {
                out.writeString(1, input);
            }
            out.writeString(2, output);
            out.writeString(3, output + "_" + op);
            out.writeString(4, op);
            for (Map.Entry<String, Long> attribute : attributes.entrySet()) {
                out.writeByteArray(5, message(a -> {
                    a.writeString(1, attribute.getKey());
                    a.writeInt64(3, attribute.getValue());
                    a.writeInt32(20, ATTRIBUTE_INT);
                }));
            }
        });
    }

    /** TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian). */
    private static byte[] tensor(String name, int type, long[] dims, byte[] raw) {
        return message(out -> {
            for (long dim : dims) {
                out.writeInt64(1, dim);
            }
            out.writeInt32(2, type);
            out.writeString(8, name);
            out.writeBytes(9, ByteString.copyFrom(raw));
        });
    }

    /**
     * ValueInfoProto (name 1, type 2) of a tensor: TypeProto.tensor_type 1 (elem_type 1, shape 2), each
     * TensorShapeProto.dim 1 a dim_param 2 (a String) or dim_value 1 (a Long).
     */
    private static byte[] valueInfo(String name, int elementType, Object... dims) {
        byte[] shape = message(out -> {
            for (Object dim : dims) {
                out.writeByteArray(1, message(d -> {
                    if (dim instanceof Long value) {
                        d.writeInt64(1, value);
                    } else {
                        d.writeString(2, (String) dim);
                    }
                }));
            }
        });
        byte[] tensorType = message(out -> {
            out.writeInt32(1, elementType);
            out.writeByteArray(2, shape);
        });
        return message(out -> {
            out.writeString(1, name);
            out.writeByteArray(2, message(t -> t.writeByteArray(1, tensorType)));
        });
    }

    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Fields fields) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            fields.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
