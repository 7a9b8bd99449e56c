"""@task functions and the context they receive.

A task is a module-level function decorated with @task that takes one argument, the context,
and returns its output (any JSON value, or None). The DAG names it "module:function".
"""
import functools
import importlib


class TaskFailed(Exception):
    """Raised by a context call the worker refused, with the worker's reason."""


def task(function=None, *, name=None):
    """Marks a function as a Gale task. Use as @task or @task(name="...")."""
    def mark(fn):
        @functools.wraps(fn)
        def wrapper(ctx):
            return fn(ctx)
        wrapper.gale_task = name or fn.__name__
        return wrapper
    return mark(function) if function is not None else mark


def resolve(spec):
    """The @task function named by "module:function", or a ValueError saying what is wrong."""
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"'{spec}' does not name a task: write it as module:function, e.g. embed_tasks:embed")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise ValueError(f"cannot import module '{module_name}' of task '{spec}': {e}; put it on the worker's"
                         " --path (or PYTHONPATH)") from e
    fn = getattr(module, attribute, None)
    if fn is None:
        raise ValueError(f"module '{module_name}' has no function '{attribute}' (task '{spec}')")
    if not getattr(fn, "gale_task", None):
        raise ValueError(f"'{spec}' is not a task: decorate it with @gale_sdk.task")
    return fn


class TaskContext:
    """What a running task can read and do. Every call goes to the worker running the task,
    which passes it on over the Task Execution Interface."""

    def __init__(self, channel, identity):
        self._channel = channel
        self._params = None
        self.dag_id = identity["dag_id"]
        self.run_id = identity["run_id"]
        self.task_id = identity["task_id"]
        self.map_index = identity["map_index"]
        self.attempt = identity["attempt"]
        self._llm = None

    def params(self):
        """The run's params (its conf with the DAG's defaults applied) as a dict."""
        if self._params is None:
            self._params = self._channel.call("get_params")["value"]
        return self._params

    def param(self, name, default=None):
        """One param; default when the run has no such param."""
        return self.params().get(name, default)

    def item(self):
        """For an instance of a mapped task: the element it was created for."""
        return self._channel.call("get_item")["value"]

    def input(self, task_id, default=None):
        """The output of upstream task task_id (for a mapped upstream: the list of all its outputs)."""
        return self.xcom(task_id, default=default)

    def inputs(self, task_id):
        """The outputs of every instance of a mapped upstream task, in map-index order."""
        value = self.xcom(task_id, default=[])
        if not isinstance(value, list):
            raise TaskFailed(f"task '{task_id}' is not mapped: read its output with ctx.input('{task_id}')")
        return value

    def xcom(self, task_id, key="return_value", map_index=-1, default=None):
        """An XCom of a task instance of this run; default when it has none."""
        answer = self._channel.call("get_xcom", task_id=task_id, key=key, map_index=map_index)
        return answer["value"] if answer.get("found") else default

    def put_xcom(self, key, value):
        """Stores value (any JSON value) under key for this task instance; the output is what the task returns."""
        if key == "return_value":
            raise TaskFailed("'return_value' is the task's output: return it from the task instead")
        self._channel.call("put_xcom", key=key, value=value)

    def log(self, line):
        """Writes a line to the task's log (print and logging are captured as well)."""
        self._channel.call("log", line=str(line))

    def emit_asset(self, name, metadata=None):
        """Records a new version of an asset the task declares as an output; returns its version number."""
        return self._channel.call("emit_asset", name=name, metadata=metadata or {})["version"]

    def read_asset(self, name, version=0):
        """A version of an asset with its metadata (0: the version that triggered the run, else the latest)."""
        return self._channel.call("read_asset", name=name, version=version)["value"]

    @property
    def llm(self):
        """Calls to models of the deployment's catalog, recorded and replayed through the worker."""
        if self._llm is None:
            from gale_sdk.llm import Llm
            self._llm = Llm(self._channel)
        return self._llm

