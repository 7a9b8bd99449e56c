import json
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from gale_sdk.llm import Llm
from gale_sdk.tasks import TaskFailed


class OpenAiStyleServer:
    """A local OpenAI-compatible /chat/completions endpoint that echoes the prompt."""

    def __init__(self):
        self.requests = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.requests.append((self.path, self.headers.get("Authorization"), body))
                answer = json.dumps({"choices": [{"message": {"content": "echo: " + body["messages"][-1]["content"]}}],
                                     "usage": {"prompt_tokens": 1000, "completion_tokens": 500}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class RecordingChannel:
    """The worker's answers to the llm_* ops: a catalog, and recordings an earlier attempt made."""

    def __init__(self, catalog, recorded=None):
        self.catalog = catalog
        self.recorded = recorded or {}
        self.records = []

    def call(self, op, **fields):
        if op == "llm_catalog":
            return {"ok": True, "value": json.dumps(self.catalog)}
        if op == "llm_prepare":
            found = fields["call_hash"] in self.recorded
            return {"ok": True, "found": found, "run_spent_micro_usd": 0,
                    **({"response": self.recorded[fields["call_hash"]]} if found else {})}
        if op == "llm_record":
            self.records.append(fields["call"])
            return {"ok": True}
        raise AssertionError(op)


class LlmTest(unittest.TestCase):
    def setUp(self):
        self.provider = OpenAiStyleServer()
        self.catalog = {"providers": [
            {"name": "cloud", "type": "openai", "baseUrl": self.provider.url, "apiKey": "sk-test", "external": True,
             "models": [{"model": "cheap-chat", "capabilities": ["chat"], "qualityTier": 1,
                         "inputPricePer1k": 0.001, "outputPricePer1k": 0.002}]},
            {"name": "local", "type": "openai-compatible", "baseUrl": self.provider.url, "external": False,
             "models": [{"model": "big-local", "capabilities": ["chat"], "qualityTier": 3,
                         "inputPricePer1k": 0.01, "outputPricePer1k": 0.01},
                        {"model": "embedder", "capabilities": ["embedding"]}]}]}

    def tearDown(self):
        self.provider.close()

    def test_a_call_goes_to_the_cheapest_fitting_model_and_is_recorded_with_tokens_and_cost(self):
        channel = RecordingChannel(self.catalog)

        answer = Llm(channel).chat("summarize this")

        self.assertEqual("echo: summarize this", answer)
        path, auth, body = self.provider.requests[0]
        self.assertEqual(("/v1/chat/completions", "Bearer sk-test", "cheap-chat"), (path, auth, body["model"]))
        record = channel.records[0]
        self.assertEqual(("cloud", "cheap-chat", "success", 1000, 500, 2000),
                         (record["provider"], record["model"], record["outcome"], record["inputTokens"],
                          record["outputTokens"], record["costMicroUsd"]))
        self.assertTrue(record["reasons"].startswith("chose cloud/cheap-chat"))

    def test_sensitive_data_never_goes_to_an_external_provider(self):
        channel = RecordingChannel(self.catalog)

        Llm(channel).chat("salaries", sensitive=True)

        self.assertEqual("big-local", self.provider.requests[0][2]["model"])
        self.assertIn("cloud/cheap-chat excluded: external, and the data is sensitive", channel.records[0]["reasons"])

    def test_an_identical_call_an_earlier_attempt_recorded_is_replayed_without_calling_the_provider(self):
        first = RecordingChannel(self.catalog)
        Llm(first).chat("same question")
        retry = RecordingChannel(self.catalog, {first.records[0]["callHash"]: first.records[0]["responseJson"]})

        answer = Llm(retry).chat("same question")

        self.assertEqual("echo: same question", answer)
        self.assertEqual(1, len(self.provider.requests))
        self.assertEqual("replayed", retry.records[0]["outcome"])

    def test_no_fitting_model_says_what_excluded_each(self):
        with self.assertRaises(TaskFailed) as failed:
            Llm(RecordingChannel(self.catalog)).chat("q", min_quality=2, sensitive=False, provider="cloud")
        self.assertEqual("no chat model of the catalog fits this call: cloud/cheap-chat excluded: quality 1 < 2",
                         str(failed.exception))


if __name__ == "__main__":
    unittest.main()
