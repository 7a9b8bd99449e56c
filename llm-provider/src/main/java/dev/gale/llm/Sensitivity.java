package dev.gale.llm;

/** How sensitive a task's data is. Confidential data never leaves for an external provider. */
public enum Sensitivity {
    PUBLIC, INTERNAL, CONFIDENTIAL
}
