"""Starts a @task function in its environment, for a worker that runs Python tasks as child
processes but builds no environments itself (Gale's Java worker):

    python3 -m gale_sdk.launch --path DIR [--requirements FILE] [--system-site-packages]
                               [--home DIR] [--wheels DIR] module:function

It finds or builds the task's environment (see gale_sdk.environments), then replaces itself with
python -m gale_sdk.child module:function in that environment.
"""
import argparse
import os
import sys

from gale_sdk.child import ERROR_PREFIX
from gale_sdk.environments import Environments

SDK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m gale_sdk.launch")
    parser.add_argument("--path", action="append", required=True)
    parser.add_argument("--requirements")
    parser.add_argument("--system-site-packages", action="store_true")
    parser.add_argument("--home", default=os.path.join(os.path.expanduser("~"), ".gale", "python-worker"))
    parser.add_argument("--wheels")
    parser.add_argument("function")
    options = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        interpreter = Environments(options.home, options.wheels).interpreter(
            options.requirements, options.path, lambda stream, line: print(line, file=sys.stderr, flush=True),
            options.system_site_packages)
    except Exception as e:  # the environment cannot be built: the task fails with why
        print(ERROR_PREFIX + str(e), file=sys.stderr, flush=True)
        sys.exit(1)
    env = dict(os.environ, PYTHONUNBUFFERED="1",
               PYTHONPATH=os.pathsep.join([*options.path, SDK_DIR, *filter(None, [os.environ.get("PYTHONPATH")])]))
    sys.stdout.flush()
    os.execve(interpreter, [interpreter, "-m", "gale_sdk.child", options.function], env)


if __name__ == "__main__":
    main()
