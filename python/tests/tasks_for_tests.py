"""@task functions the SDK's tests run as task children."""
import logging

from gale_sdk import task


@task
def summarize(ctx):
    chunks = ctx.input("chunk")
    ctx.log(f"summarizing {len(chunks)} chunks for run {ctx.run_id}, attempt {ctx.attempt}")
    print("printed by the task")
    logging.getLogger("summarizer").warning("a logged warning")
    ctx.put_xcom("chunk_count", len(chunks))
    version = ctx.emit_asset("dataset://chunks", {"count": len(chunks)})
    return {"title": ctx.param("title"), "first": chunks[0], "version": version, "missing": ctx.input("nope", "none")}


@task
def undeclared_asset(ctx):
    ctx.emit_asset("dataset://other")


@task
def broken(ctx):
    raise KeyError("no such column")


def not_a_task(ctx):
    return 1
