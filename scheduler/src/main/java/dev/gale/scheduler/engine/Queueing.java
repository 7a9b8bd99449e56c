package dev.gale.scheduler.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which scheduled task instances may be queued now, a pure function: in priority order, each takes
 * its pool slots (if it names a pool) and a slot of its DAG's task limit (if the DAG has one), while
 * both have that many free. An instance whose pool lacks the slots it needs is passed over, so a
 * smaller one behind it may still take what is left.
 */
public final class Queueing {
    private Queueing() {
    }

    /**
     * A scheduled instance waiting for slots; {@code pool} and {@code dagLimit} may be null, and
     * {@code poolSlots} is how many slots of its pool it takes.
     */
    public record Candidate(long taskInstanceId, String dagId, String pool, Integer dagLimit, int priorityWeight,
                            int poolSlots) {
    }

    /**
     * @param candidates scheduled instances, in the order ties should break (e.g. oldest first)
     * @param poolFree   free slots per pool
     * @param dagActive  queued or running instances per DAG now
     */
    public static List<Long> choose(List<Candidate> candidates, Map<String, Integer> poolFree,
                                    Map<String, Integer> dagActive) {
        Map<String, Integer> pools = new HashMap<>(poolFree);
        Map<String, Integer> active = new HashMap<>(dagActive);
        List<Candidate> ordered = new ArrayList<>(candidates);
        ordered.sort(java.util.Comparator.comparingInt(Candidate::priorityWeight).reversed());
        List<Long> chosen = new ArrayList<>();
        for (Candidate c : ordered) {
            boolean poolOk = c.pool() == null || pools.getOrDefault(c.pool(), 0) >= c.poolSlots();
            boolean dagOk = c.dagLimit() == null || active.getOrDefault(c.dagId(), 0) < c.dagLimit();
            if (poolOk && dagOk) {
                chosen.add(c.taskInstanceId());
                if (c.pool() != null) {
                    pools.merge(c.pool(), -c.poolSlots(), Integer::sum);
                }
                active.merge(c.dagId(), 1, Integer::sum);
            }
        }
        return chosen;
    }
}
