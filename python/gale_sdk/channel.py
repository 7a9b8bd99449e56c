"""The Python worker's end of the child protocol: a Unix socket that serves one task child's calls
(the ops of dev.gale.sdk.runtime.ChildProtocol) by passing them on over the TEI with the task token."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from datetime import datetime, timezone

from gale_sdk import stubs
from gale_sdk.child import ERROR_PREFIX, SOCKET_ENV

pb, _ = stubs.load()
SDK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WITHHELD_ENV = ("GALE_WORKER_SECRET", "GALE_TASK_TOKEN_SECRET")
RUN_DATES_ENV = {"logical_date_ms": "GALE_LOGICAL_DATE", "data_interval_start_ms": "GALE_DATA_INTERVAL_START",
                 "data_interval_end_ms": "GALE_DATA_INTERVAL_END"}


def run_dates_env(assignment):
    """The run's logical date and data interval as the Java worker passes them: ISO-8601 instants, none
    for a run without a logical date."""
    env = {}
    for field, name in RUN_DATES_ENV.items():
        if assignment.logical_date_ms:
            at = datetime.fromtimestamp(getattr(assignment, field) / 1000, tz=timezone.utc)
            env[name] = at.strftime("%Y-%m-%dT%H:%M:%S") + (f".{at.microsecond // 1000:03d}" if at.microsecond else "") + "Z"
    return env


class ChildServer:
    def __init__(self, worker, attempt):
        self.worker = worker
        self.attempt = attempt
        self.process = None
        self.exit_code = None
        self.last_stderr = []
        self.dir = tempfile.mkdtemp(prefix="gale-task-")
        self.path = os.path.join(self.dir, "tei.sock")
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(self.path)
        self.server.listen()
        self.pumps = []

    def __enter__(self):
        threading.Thread(target=self.accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.kill()
        self.server.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self, interpreter, function, paths):
        a = self.attempt.assignment
        env = {k: v for k, v in os.environ.items() if k not in WITHHELD_ENV}
        env.update({"GALE_DAG_ID": a.dag_id, "GALE_RUN_ID": a.run_id, "GALE_TASK_ID": a.task_id,
                    "GALE_MAP_INDEX": str(a.map_index), "GALE_ATTEMPT": str(a.attempt), SOCKET_ENV: self.path,
                    "PYTHONUNBUFFERED": "1", **run_dates_env(a),
                    "PYTHONPATH": os.pathsep.join([*paths, SDK_DIR, *filter(None, [env.get("PYTHONPATH")])])})
        self.process = subprocess.Popen([interpreter, "-m", "gale_sdk.child", function], env=env,
                                        cwd=paths[0], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, start_new_session=True)
        self.pumps = [threading.Thread(target=self.pump, args=(self.process.stdout, "stdout"), daemon=True),
                      threading.Thread(target=self.pump, args=(self.process.stderr, "stderr"), daemon=True)]
        for pump in self.pumps:
            pump.start()

    def wait(self, timeout):
        """True once the child has exited and its output is logged."""
        try:
            self.exit_code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        for pump in self.pumps:
            pump.join(2)
        return True

    def kill(self):
        try:
            os.killpg(self.process.pid, 9)
        except ProcessLookupError:
            pass
        self.wait(10)

    def error(self):
        for line in reversed(self.last_stderr):
            if line.startswith(ERROR_PREFIX):
                return line[len(ERROR_PREFIX):]
        tail = " | ".join(self.last_stderr[-3:])
        return f"the task's process exited with code {self.exit_code}" + (f": {tail}" if tail else "")

    def pump(self, stream, name):
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if name == "stderr":
                self.last_stderr = (self.last_stderr + [line])[-20:]
            self.attempt.add_line(name, line)

    def accept(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(connection,), daemon=True).start()

    def serve(self, connection):
        with connection, connection.makefile("rw", encoding="utf-8") as stream:
            for line in stream:
                if line.strip():
                    stream.write(json.dumps(self.answer(line)) + "\n")
                    stream.flush()

    def answer(self, line):
        try:
            request = json.loads(line)
            return {"ok": True, **self.handle(request.get("op"), request)}
        except Exception as e:  # any refusal goes back to the task as its error
            return {"ok": False, "error": str(e) or type(e).__name__}

    def handle(self, op, r):
        a = self.attempt.assignment
        tei, token = self.worker.tei, lambda: self.attempt.token
        if op == "get_params":
            return {"value": json.loads(a.params_json or "{}")}
        if op == "get_item":
            if a.map_index < 0:
                raise ValueError("this task instance is not mapped, so it has no item")
            return {"value": json.loads(a.map_item_json)}
        if op == "get_xcom":
            key = r.get("key") or "return_value"
            map_index = r.get("map_index", -1)
            if key == "return_value" and map_index == -1 and r["task_id"] in a.upstream_outputs_json:
                return {"found": True, "value": json.loads(a.upstream_outputs_json[r["task_id"]])}
            got = tei.call("GetXCom", pb.GetXComRequest(task_token=token(), task_id=r["task_id"],
                                                         map_index=map_index, key=key))
            return {"found": True, "value": json.loads(got.value_json)} if got.found else {"found": False}
        if op == "put_xcom":
            if "value" not in r:
                raise ValueError('put_xcom needs "value": any JSON value')
            key = r.get("key") or "return_value"
            if key == "return_value":
                self.attempt.output_json = json.dumps(r["value"])
            else:
                tei.call("PutXCom", pb.PutXComRequest(task_token=token(), key=key, value_json=json.dumps(r["value"])))
            return {}
        if op == "log":
            self.attempt.add_line("task", r.get("line", ""))
            return {}
        if op == "emit_asset":
            got = tei.call("EmitAssetEvent", pb.EmitAssetEventRequest(
                task_token=token(), asset_name=r["name"], metadata_json=json.dumps(r.get("metadata", {})),
                event_id=r.get("event_id") or str(uuid.uuid4())))
            return {"version": got.version}
        if op == "read_asset":
            got = tei.call("GetAssetVersion", pb.GetAssetVersionRequest(task_token=token(), asset_name=r["name"],
                                                                         version=r.get("version", 0)))
            return {"value": {"asset": got.asset_name, "version": got.version,
                              "metadata": json.loads(got.metadata_json or "{}"), "dagId": got.dag_id,
                              "runId": got.run_id, "taskId": got.task_id, "createdAt": got.created_at_ms,
                              "fingerprint": got.fingerprint}}
        if op == "llm_catalog":
            return {"value": tei.call("GetLlmCatalog", pb.GetLlmCatalogRequest(task_token=token())).catalog_json}
        if op == "llm_prepare":
            got = tei.call("PrepareLlmCall", pb.PrepareLlmCallRequest(task_token=token(),
                                                                       call_hash=r.get("call_hash", "")))
            answer = {"found": got.replay_found, "run_spent_micro_usd": got.run_spent_micro_usd}
            if got.replay_found:
                answer["response"] = got.response_json
            return answer
        if op == "llm_record":
            c = r["call"]
            tei.call("RecordLlmUsage", pb.RecordLlmUsageRequest(
                task_token=token(), provider=c["provider"], model=c["model"], input_tokens=c.get("inputTokens", 0),
                output_tokens=c.get("outputTokens", 0), cost_micro_usd=c.get("costMicroUsd", 0),
                latency_ms=c.get("latencyMs", 0), outcome=c.get("outcome") or "success",
                choice_reasons=c.get("reasons") or "", call_hash=c.get("callHash") or "",
                response_json=c.get("responseJson") or "", error=c.get("error") or "", device=c.get("device") or ""))
            return {}
        raise ValueError(f"unknown op '{op}'; the ops are get_params, get_item, get_xcom, put_xcom, log,"
                         " emit_asset, read_asset, llm_catalog, llm_prepare and llm_record")
