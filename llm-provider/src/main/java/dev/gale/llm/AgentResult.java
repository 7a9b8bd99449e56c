package dev.gale.llm;

import java.util.List;

/**
 * What an agent call ended with: the model's final answer and the transcript of every step, in order.
 *
 * @param answer     the model's last message, once it asked for no more tools
 * @param transcript each model turn and tool call, with arguments and results
 */
public record AgentResult(String answer, List<Step> transcript) {

    /**
     * One step of the loop. {@code kind} is {@code model} (a turn of the model: {@code text} is what it said,
     * {@code name} which tools it asked for) or {@code tool} ({@code name} the tool, {@code arguments} its JSON
     * arguments, {@code text} its result); {@code replayed} when an earlier attempt's record answered it.
     */
    public record Step(String kind, String name, String arguments, String text, boolean replayed) {
    }
}
