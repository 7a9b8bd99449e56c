"""Gale's Python task SDK: write tasks as @task functions of a context, run them on a Python
worker (python3 -m gale_sdk.worker) or on a Java worker's python kind."""
from gale_sdk.tasks import task, TaskContext, TaskFailed

__all__ = ["task", "TaskContext", "TaskFailed"]
