"""The worker's side of the child protocol for tests of a task child: a real Unix socket that
answers a task's calls from a dict of params and upstream outputs and records what the task sent."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class FakeWorker:
    def __init__(self, params=None, xcoms=None):
        self.params = params or {}
        self.xcoms = xcoms or {}
        self.calls = []
        self.dir = tempfile.mkdtemp(prefix="gale-test-")
        self.path = os.path.join(self.dir, "tei.sock")
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(self.path)
        self.server.listen()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection):
        with connection, connection.makefile("rw", encoding="utf-8") as stream:
            for line in stream:
                request = json.loads(line)
                self.calls.append(request)
                stream.write(json.dumps(self.answer(request)) + "\n")
                stream.flush()

    def answer(self, request):
        op = request["op"]
        if op == "get_params":
            return {"ok": True, "value": self.params}
        if op == "get_xcom":
            key = (request["task_id"], request.get("key", "return_value"))
            return {"ok": True, "found": key in self.xcoms, **({"value": self.xcoms[key]} if key in self.xcoms else {})}
        if op in ("put_xcom", "log"):
            return {"ok": True}
        if op == "emit_asset":
            if request["name"] != "dataset://chunks":
                return {"ok": False, "error": f"task does not declare asset {request['name']} with writes()"}
            return {"ok": True, "version": 7}
        return {"ok": False, "error": f"unknown op '{op}'"}

    def sent(self, op):
        return [c for c in self.calls if c["op"] == op]

    def run_child(self, function, tasks_dir, python=sys.executable):
        env = dict(os.environ, GALE_TASK_SOCKET=self.path, GALE_DAG_ID="d", GALE_RUN_ID="r1", GALE_TASK_ID="t",
                   GALE_MAP_INDEX="-1", GALE_ATTEMPT="2", PYTHONPATH=os.pathsep.join([tasks_dir, PYTHON_DIR]))
        return subprocess.run([python, "-m", "gale_sdk.child", function], env=env, capture_output=True, text=True,
                              timeout=60)

    def close(self):
        self.server.close()
