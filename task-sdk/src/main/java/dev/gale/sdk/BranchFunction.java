package dev.gale.sdk;

import java.util.Collection;

/**
 * The code of a branch task: returns the ids of the direct downstream tasks to follow. The others
 * are skipped, and what follows them obeys its trigger rules.
 */
@FunctionalInterface
public interface BranchFunction {
    Collection<String> choose(TaskContext context) throws Exception;
}
