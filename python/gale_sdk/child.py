"""Runs one @task function as a child process of a worker:

    python3 -m gale_sdk.child module:function

The worker (Python or Java) passes the task's identity in GALE_DAG_ID, GALE_RUN_ID, GALE_TASK_ID,
GALE_MAP_INDEX and GALE_ATTEMPT (and, for a run with a logical date, GALE_LOGICAL_DATE,
GALE_DATA_INTERVAL_START and GALE_DATA_INTERVAL_END as ISO-8601 instants), and serves the task's calls on the Unix socket GALE_TASK_SOCKET
(one JSON object per line each way, see dev.gale.sdk.runtime.ChildProtocol). The child never holds
a task token. Its stdout and stderr are the task's log; the output goes back as the XCom
"return_value"; a failure exits 1 with the error as the last line of stderr.
"""
import json
import logging
import os
import socket
import sys
import threading
import traceback

from gale_sdk.tasks import TaskContext, TaskFailed, resolve

SOCKET_ENV = "GALE_TASK_SOCKET"
ERROR_PREFIX = "gale: task failed: "


class SocketChannel:
    """The child's end of the worker's JSON-lines protocol."""

    def __init__(self, path):
        self._socket = socket.socket(socket.AF_UNIX)
        self._socket.connect(path)
        self._stream = self._socket.makefile("rw", encoding="utf-8")
        self._lock = threading.Lock()

    def call(self, op, **fields):
        with self._lock:
            self._stream.write(json.dumps({"op": op, **fields}) + "\n")
            self._stream.flush()
            line = self._stream.readline()
        if not line:
            raise TaskFailed(f"the worker closed the task's socket during '{op}'")
        answer = json.loads(line)
        if not answer.get("ok"):
            raise TaskFailed(answer.get("error", f"the worker refused '{op}'"))
        return answer


def identity_from_env(env):
    return {"dag_id": env["GALE_DAG_ID"], "run_id": env["GALE_RUN_ID"], "task_id": env["GALE_TASK_ID"],
            "map_index": int(env["GALE_MAP_INDEX"]), "attempt": int(env["GALE_ATTEMPT"])}


def main(argv):
    if len(argv) != 1:
        print(ERROR_PREFIX + "usage: python3 -m gale_sdk.child module:function", file=sys.stderr)
        return 2
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        fn = resolve(argv[0])
        channel = SocketChannel(os.environ[SOCKET_ENV])
        ctx = TaskContext(channel, identity_from_env(os.environ))
        output = fn(ctx)
        channel.call("put_xcom", key="return_value", value=output)
    except Exception as e:  # the task's own failure, reported to the worker as the task's error
        traceback.print_exc()
        sys.stdout.flush()
        print(ERROR_PREFIX + f"{type(e).__name__}: {e}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
