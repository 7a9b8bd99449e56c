# A task of the polyglot_demo DAG, run by a Gale worker as `python3 -c <this file>`.
# Plain python3, no packages: it talks to its worker over the JSON-lines protocol on the Unix
# socket named by GALE_TASK_SOCKET (one JSON object per line each way), never to the API server.
import json
import os
import socket
import sys

conn = socket.socket(socket.AF_UNIX)
conn.connect(os.environ["GALE_TASK_SOCKET"])
stream = conn.makefile("rw", encoding="utf-8")


def call(op, **fields):
    stream.write(json.dumps({"op": op, **fields}) + "\n")
    stream.flush()
    answer = json.loads(stream.readline())
    if not answer["ok"]:
        raise RuntimeError(answer["error"])
    return answer


text = call("get_params")["value"]["text"]
call("log", line=f"embedding {len(text)} characters in attempt {os.environ['GALE_ATTEMPT']}")
print("python", sys.version.split()[0], "says hello from", os.environ["GALE_TASK_ID"])

# A toy embedding: letter frequencies folded into 8 buckets, normalised.
buckets = [0.0] * 8
for ch in text.lower():
    if ch.isalpha():
        buckets[ord(ch) % 8] += 1
norm = sum(b * b for b in buckets) ** 0.5 or 1.0
vector = [round(b / norm, 4) for b in buckets]

call("put_xcom", key="return_value", value={"text": text, "words": len(text.split()), "vector": vector})
