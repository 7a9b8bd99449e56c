package dev.gale.api.rest.v1;

import java.util.List;

/** A page of runs, newest first; pass {@code nextCursor} as {@code cursor} for the next page (null on the last). */
record RunListResponse(List<DagRunResponse> runs, String nextCursor) {
}
