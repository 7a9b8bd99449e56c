"""A Python SDK task in a DAG bundle's resources, for ChildProcessIT."""
from gale_sdk import task


@task
def greet(ctx):
    import galetoy
    ctx.log(f"greeting in attempt {ctx.attempt}")
    return f"{ctx.param('who')}, {ctx.input('upstream')}, galetoy {galetoy.VERSION}"
