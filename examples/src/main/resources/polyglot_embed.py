"""The Python task of the polyglot_demo DAG, written with Gale's Python task SDK."""
import sys

from gale_sdk import task


@task
def embed(ctx):
    text = ctx.param("text")
    ctx.log(f"embedding {len(text)} characters in attempt {ctx.attempt}")
    print("python", sys.version.split()[0], "says hello from", ctx.task_id)
    # A toy embedding: letter frequencies folded into 8 buckets, normalised.
    buckets = [0.0] * 8
    for ch in text.lower():
        if ch.isalpha():
            buckets[ord(ch) % 8] += 1
    norm = sum(b * b for b in buckets) ** 0.5 or 1.0
    return {"text": text, "words": len(text.split()), "vector": [round(b / norm, 4) for b in buckets]}
