"""A Gale worker in Python: runs the python tasks of the queues it serves.

    python3 -m gale_sdk.worker --api localhost:9090 --queues py --path dags/python

It registers over the Task Execution Interface (task-sdk's tei.proto), keeps one assignment stream
open, and runs each assignment's @task function as a child process (python3 -m gale_sdk.child) in
the task's environment, serving the child's calls on a Unix socket. It heartbeats each task (and
ships its log with the heartbeats), stops a task the server cancels, retries its reports while
the server is unreachable, and on SIGTERM drains: it takes no more work, lets running tasks finish
for --drain-seconds, then hands the rest back.
"""
import argparse
import json
import logging
import os
import queue
import signal
import socket
import sys
import threading
import time

import grpc

from gale_sdk import stubs
from gale_sdk.channel import ChildServer
from gale_sdk.environments import Environments

pb, pb_grpc = stubs.load()
log = logging.getLogger("gale_sdk.worker")

VERSION = "0.1.0"
RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.RESOURCE_EXHAUSTED)
CALL_TIMEOUT_S = 30


class AttemptEnded(Exception):
    """The server says the attempt is no longer current (FAILED_PRECONDITION or PERMISSION_DENIED)."""


class Tei:
    """The TaskExecution stub with the worker secret, and retries through outages."""

    def __init__(self, api, secret):
        self.channel = grpc.insecure_channel(api)
        self.stub = pb_grpc.TaskExecutionStub(self.channel)
        self.metadata = (("authorization", "Bearer " + secret),) if secret else ()

    def call(self, method, request, give_up_at=None):
        """Calls until it succeeds; retryable errors back off up to 5 s. AttemptEnded when the attempt is over."""
        delay = 0.2
        while True:
            try:
                return getattr(self.stub, method)(request, timeout=CALL_TIMEOUT_S, metadata=self.metadata)
            except grpc.RpcError as e:
                code = e.code()
                if code in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.PERMISSION_DENIED):
                    raise AttemptEnded(e.details()) from e
                if code not in RETRYABLE or (give_up_at is not None and time.monotonic() > give_up_at):
                    raise
                log.warning("%s: %s (%s); retrying in %.1f s", method, code.name, e.details(), delay)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)


class TaskAttempt:
    """One assignment: its freshest token, its log lines not yet shipped, and whether to stop."""

    def __init__(self, assignment):
        self.assignment = assignment
        self.token = assignment.task_token
        self.lines = []
        self.lock = threading.Lock()
        self.output_json = "null"
        self.stop_reason = None

    def add_line(self, stream, line):
        with self.lock:
            self.lines.append(pb.LogLine(timestamp_ms=int(time.time() * 1000), line=line, stream=stream))

    def take_lines(self):
        with self.lock:
            lines, self.lines = self.lines, []
        return lines


class Worker:
    def __init__(self, options):
        self.options = options
        self.draining = threading.Event()
        self.stopped = threading.Event()
        self.tei = Tei(options.api, options.secret)
        self.environments = Environments(options.home, options.wheels)
        self.heartbeat_s = 10.0
        self.running = {}
        self.running_lock = threading.Lock()
        self.credits = None

    def register(self):
        response = self.tei.call("Register", pb.RegisterRequest(
            worker_id=self.options.worker_id, hostname=socket.gethostname(), queues=self.options.queues,
            capabilities=pb.WorkerCapabilities(slots=self.options.slots),
            software_version="gale_sdk " + VERSION, task_kinds=["python"]))
        self.heartbeat_s = max(response.heartbeat_interval_ms / 1000.0, 0.1)

    def run(self):
        """Pulls and runs assignments until drained; reconnects with backoff when the stream breaks."""
        delay = 0.5
        while not self.draining.is_set():
            try:
                self.register()
                log.info("worker %s connected to %s, queues %s", self.options.worker_id, self.options.api,
                         ",".join(self.options.queues))
                delay = 0.5
                self.pull()
            except grpc.RpcError as e:
                if self.draining.is_set():
                    break
                log.warning("assignment stream broke (%s: %s); reconnecting in %.1f s", e.code().name,
                            e.details(), delay)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
        self.drain()

    def pull(self):
        self.credits = queue.Queue()
        with self.running_lock:
            free = self.options.slots - len(self.running)
        self.credits.put(free)
        stream = self.tei.stub.PullAssignments(self.requests(self.credits), metadata=self.tei.metadata)
        try:
            for assignment in stream:
                attempt = TaskAttempt(assignment)
                with self.running_lock:
                    self.running[assignment.task_token] = attempt
                threading.Thread(target=self.run_attempt, args=(attempt,), daemon=True,
                                 name=f"task-{assignment.task_id}").start()
        finally:
            self.credits.put(None)

    def requests(self, credits):
        """The request side of the stream: a PullRequest per batch of free slots; ends (half-close) on drain."""
        while True:
            free = credits.get()
            if free is None:
                return
            if free > 0:
                yield pb.PullRequest(worker_id=self.options.worker_id, free_slots=free)

    def run_attempt(self, attempt):
        a = attempt.assignment
        try:
            self.tei.call("StartTask", pb.StartTaskRequest(task_token=attempt.token))
            self.execute(attempt)
        except AttemptEnded as e:
            log.info("%s of run %s ended elsewhere: %s", a.task_id, a.run_id, e)
        except Exception:
            log.exception("reporting %s of run %s failed", a.task_id, a.run_id)
        finally:
            with self.running_lock:
                self.running.pop(a.task_token, None)
            if self.credits is not None and not self.draining.is_set():
                self.credits.put(1)

    def execute(self, attempt):
        a = attempt.assignment
        if a.task_kind != "python":
            self.tei.call("FailTask", pb.FailTaskRequest(task_token=attempt.token, no_retry=True, error=(
                f"worker {self.options.worker_id} runs python tasks only; task '{a.task_id}' is of kind"
                f" '{a.task_kind or 'java'}': serve queue '{queue_of(a)}' with a worker that runs that kind")))
            return
        python = json.loads(a.task_spec_json)["isolation"]["python"]
        try:
            interpreter = self.environments.interpreter(python.get("requirements"), self.options.path,
                                                        attempt.add_line, python.get("systemSitePackages", False))
        except Exception as e:
            self.tei.call("FailTask", pb.FailTaskRequest(task_token=attempt.token, no_retry=True, error=str(e)))
            return
        with ChildServer(self, attempt) as child:
            child.start(interpreter, python["function"], self.options.path)
            outcome = self.supervise(attempt, child)
        self.report(attempt, outcome, child)

    def supervise(self, attempt, child):
        """Heartbeats until the child exits; 'exited', 'stopped', 'timed_out' or 'shutdown'."""
        a = attempt.assignment
        deadline = time.monotonic() + a.execution_timeout_ms / 1000.0 if a.execution_timeout_ms > 0 else None
        while not child.wait(self.heartbeat_s):
            if deadline is not None and time.monotonic() > deadline:
                child.kill()
                return "timed_out"
            if self.stopped.is_set():
                child.kill()
                return "shutdown"
            try:
                self.ship_logs(attempt)
                response = self.tei.call("Heartbeat", pb.HeartbeatRequest(task_token=attempt.token),
                                         give_up_at=time.monotonic() + CALL_TIMEOUT_S)
            except grpc.RpcError as e:
                log.warning("heartbeat of %s failed (%s); the task keeps running", a.task_id, e.code().name)
                continue
            if response.should_stop:
                child.kill()
                return "stopped"
            attempt.token = response.task_token
        return "exited"

    def ship_logs(self, attempt):
        lines = attempt.take_lines()
        if lines:
            self.tei.call("AppendLogs", pb.AppendLogsRequest(task_token=attempt.token, lines=lines))

    def report(self, attempt, outcome, child):
        a = attempt.assignment
        if outcome == "stopped":
            log.info("%s of run %s was stopped by the server", a.task_id, a.run_id)
            return
        try:
            self.ship_logs(attempt)
        except AttemptEnded:
            return
        if outcome == "exited" and child.exit_code == 0:
            self.tei.call("CompleteTask", pb.CompleteTaskRequest(task_token=attempt.token,
                                                                 output_json=attempt.output_json))
        elif outcome == "shutdown":
            self.tei.call("FailTask", pb.FailTaskRequest(task_token=attempt.token, worker_shutdown=True,
                                                         error="the worker shut down before the task finished"))
        elif outcome == "timed_out":
            self.tei.call("FailTask", pb.FailTaskRequest(task_token=attempt.token, error=(
                f"task '{a.task_id}' ran past its execution timeout of {a.execution_timeout_ms} ms")))
        else:
            self.tei.call("FailTask", pb.FailTaskRequest(task_token=attempt.token, error=child.error()))

    def drain(self):
        """Lets running tasks finish for --drain-seconds, then stops the rest and hands them back."""
        give_up = time.monotonic() + self.options.drain_seconds
        while time.monotonic() < give_up:
            with self.running_lock:
                if not self.running:
                    break
            time.sleep(0.1)
        self.stopped.set()
        while True:
            with self.running_lock:
                if not self.running:
                    break
            time.sleep(0.1)
        log.info("worker %s drained", self.options.worker_id)

    def start_draining(self):
        log.info("draining: taking no more work, running tasks get %s s", self.options.drain_seconds)
        self.draining.set()
        if self.credits is not None:
            self.credits.put(None)


def queue_of(assignment):
    return json.loads(assignment.task_spec_json or "{}").get("queue", "default")


def parse(argv):
    parser = argparse.ArgumentParser(prog="python3 -m gale_sdk.worker", description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="the API server's gRPC address, host:port")
    parser.add_argument("--queues", default="default", help="comma-separated queues to take work from")
    parser.add_argument("--slots", type=int, default=4, help="task instances run at once")
    parser.add_argument("--worker-id", default=f"python-worker-{os.getpid()}@{socket.gethostname()}")
    parser.add_argument("--path", action="append", default=[],
                        help="directory holding task modules and requirements files (repeatable; default .)")
    parser.add_argument("--home", default=os.path.join(os.path.expanduser("~"), ".gale", "python-worker"),
                        help="where task environments are cached")
    parser.add_argument("--wheels", help="build task environments from the wheels in this directory only"
                                         " (no package index)")
    parser.add_argument("--drain-seconds", type=float, default=30.0)
    options = parser.parse_args(argv)
    options.queues = [q for q in options.queues.split(",") if q]
    options.path = [os.path.abspath(p) for p in (options.path or ["."])]
    options.secret = os.environ.get("GALE_WORKER_SECRET", "")
    if options.slots < 1:
        parser.error("--slots must be at least 1")
    return options


def main(argv=None):
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    worker = Worker(parse(sys.argv[1:] if argv is None else argv))
    signal.signal(signal.SIGTERM, lambda *_: worker.start_draining())
    signal.signal(signal.SIGINT, lambda *_: worker.start_draining())
    # The main thread only waits, so that the signal handlers run while the worker's threads block in gRPC.
    runner = threading.Thread(target=worker.run, name="gale-worker")
    runner.start()
    while runner.is_alive():
        runner.join(0.2)


if __name__ == "__main__":
    main()
