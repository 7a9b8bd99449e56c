package dev.gale.llm;

/** What a model can do. */
public enum Capability {
    CHAT, EMBEDDING, VISION, TOOLS
}
