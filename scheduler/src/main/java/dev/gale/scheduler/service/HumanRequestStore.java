package dev.gale.scheduler.service;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The requests tasks make of people, read from the triggers they wait on. */
public interface HumanRequestStore {
    List<HumanRequestView> list(HumanRequestQuery query);

    Optional<HumanRequestView> find(long requestId);

    /**
     * The outputs (JSON) of these tasks in the request's run, by task id, in the order asked; a task that has
     * no output (yet) is left out. A mapped task's outputs come as one JSON array in map-index order.
     */
    Map<String, String> outputs(long requestId, List<String> taskIds);
}
