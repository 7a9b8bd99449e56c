"""Python tasks of the test DAGs in dev.gale.api.TestDagsPython."""
import logging
import os
import sys
import time

from gale_sdk import task


@task
def split(ctx):
    text = ctx.input("prepare")["text"]
    if ctx.param("fail"):
        raise ValueError(f"asked to fail on {text!r}")
    words = text.split()
    ctx.log(f"splitting {len(text)} characters in attempt {ctx.attempt}")
    print("python", sys.version.split()[0], "splits for", ctx.task_id)
    logging.getLogger("splitter").info("found %d words", len(words))
    ctx.put_xcom("longest", max(words, key=len))
    return words


@task
def toy_version(ctx):
    import galetoy
    return f"{ctx.task_id} sees galetoy {galetoy.VERSION}"


@task
def shout(ctx):
    return "HELLO"


@task
def nap(ctx):
    with open(ctx.param("markerFile"), "w") as marker:
        marker.write(f"{os.getpid()}\n")
    time.sleep(ctx.param("seconds"))
    return "rested"
