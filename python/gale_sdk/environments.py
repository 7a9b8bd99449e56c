"""Per-task Python environments: a virtual environment made on first use from a task's
requirements file and cached under the worker's home by the file's hash, so that two tasks of one
DAG can pin different versions of a library and a second run reuses what the first one built."""
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import threading


class Environments:
    def __init__(self, home, wheels=None):
        self.root = os.path.join(home, "envs")
        self.wheels = wheels
        self._lock = threading.Lock()

    def interpreter(self, requirements, paths, log, system_site_packages=False):
        """The interpreter a task runs with: the worker's own without requirements, else its environment's."""
        if not requirements:
            return sys.executable
        source = find(requirements, paths)
        with open(source, "rb") as f:
            content = f.read()
        digest = hashlib.sha256(content + (b"\0system-site" if system_site_packages else b"")).hexdigest()[:20]
        env = os.path.join(self.root, digest)
        python = os.path.join(env, "bin", "python")
        if os.path.exists(os.path.join(env, ".gale-ready")):
            return python
        os.makedirs(self.root, exist_ok=True)
        # One builder per environment, also across worker processes sharing a home.
        with self._lock, open(os.path.join(self.root, digest + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not os.path.exists(os.path.join(env, ".gale-ready")):
                self.build(env, source, log, system_site_packages)
        return python

    def build(self, env, requirements, log, system_site_packages):
        log("task", f"building the environment for {requirements} in {env}")
        shutil.rmtree(env, ignore_errors=True)
        run([sys.executable, "-m", "venv", *(["--system-site-packages"] if system_site_packages else []), env],
            "create the virtual environment " + env)
        install = [os.path.join(env, "bin", "python"), "-m", "pip", "install", "--disable-pip-version-check",
                   "--no-input", "-r", requirements]
        if self.wheels:
            install += ["--no-index", "--find-links", self.wheels]
        output = run(install, f"install {requirements} into {env}")
        for line in output.splitlines()[-5:]:
            log("task", line)
        open(os.path.join(env, ".gale-ready"), "w").close()


def find(requirements, paths):
    for directory in paths:
        candidate = os.path.join(directory, requirements)
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(f"requirements file '{requirements}' is in none of the worker's --path directories"
                            f" ({', '.join(paths)}): ship it with the task's module")


def run(command, what):
    done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if done.returncode != 0:
        raise RuntimeError(f"could not {what}: {' '.join(command)} exited with {done.returncode}:"
                           f" {done.stdout.strip()[-2000:]}")
    return done.stdout
