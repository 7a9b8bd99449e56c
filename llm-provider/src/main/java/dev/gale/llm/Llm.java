package dev.gale.llm;

import java.util.List;

/**
 * A task's access to language and embedding models, from {@link CommonLlm#forTask}. The model is
 * chosen by Gale's policy from the task's declared needs; every call is recorded against the task
 * instance with its tokens, cost, latency and outcome. Calls that fail with a rate limit, a timeout or
 * a server error are retried with backoff, then answered by the next acceptable model.
 */
public interface Llm {

    /** Sends one user message; returns the model's text. */
    String chat(String user);

    /** Sends a system message and a user message; returns the model's text. */
    String chat(String system, String user);

    /**
     * Asks for structured output: the answer is JSON following the schema of {@code type} (a record),
     * read into an instance of it.
     */
    <T> T chat(String system, String user, Class<T> type);

    /**
     * Runs an agent: the model may call the {@code @Tool}-annotated methods of {@code tools} (LangChain4j's
     * {@code dev.langchain4j.agent.tool.Tool}), each result goes back to it, until it answers without a tool
     * call or {@code maxSteps} model turns have passed (then it fails). The run's budget is checked before every
     * turn; every turn and tool call is recorded with its arguments and result, and a retried attempt replays
     * the steps an earlier attempt finished.
     */
    AgentResult agent(String system, String user, Object tools, int maxSteps);

    /**
     * Sends the requests as one job to the provider's Batch API (OpenAI's, or a server speaking it), at
     * the batch price, and returns the answers in the order of the requests. The task defers while the job
     * runs, holding no worker slot, and resumes every {@code pollInterval} to ask the provider (with the
     * worker's key) whether it is done; the batch id travels in the trigger, so a resume never submits it
     * again. A batch that fails, expires or is cancelled fails the task with the provider's errors.
     */
    List<String> chatBatch(List<BatchRequest> requests, java.time.Duration pollInterval);

    /** {@link #chatBatch(List, java.time.Duration)}, asking once a minute. */
    default List<String> chatBatch(List<BatchRequest> requests) {
        return chatBatch(requests, java.time.Duration.ofMinutes(1));
    }

    /** One embedding vector. */
    float[] embed(String text);

    /** One embedding vector per text, in order. */
    List<float[]> embed(List<String> texts);

    /**
     * One embedding vector per text, in order, with the tokens the model read and how many texts were
     * longer than its window (embedded whole, in windows whose vectors are pooled: none is cut short).
     */
    Embeddings embedAll(List<String> texts);

    /** Tokens in {@code text}, estimated with OpenAI's tokenizer (close for other providers' models too). */
    int countTokens(String text);

    /** Which chat model the policy chose for this task and why (also stored with every call). */
    ModelChoice chatChoice();

    /** Which embedding model the policy chose for this task and why (e.g. to record it with an index). */
    ModelChoice embeddingChoice();
}
