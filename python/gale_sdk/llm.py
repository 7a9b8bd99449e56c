"""ctx.llm: chat calls to a model of the deployment's catalog, through the worker and the TEI, so
that Python tasks get what Java tasks get from common.llm: the catalog and credentials from the
server, a replay of an identical call an earlier attempt already paid for, data marked sensitive
kept off external providers, and every call's tokens, cost and latency recorded against the task.

The Python SDK calls providers of type openai, openai-compatible and ollama through their
OpenAI-style /chat/completions endpoint, and chooses the cheapest chat model that meets the call's
needs (a named model or provider, a least quality tier, no external provider for sensitive data).
"""
import hashlib
import json
import time
import urllib.error
import urllib.request

from gale_sdk.tasks import TaskFailed

OPENAI_STYLE = {"openai": "", "openai-compatible": "", "ollama": "/v1"}


class Llm:
    def __init__(self, channel):
        self._channel = channel
        self._catalog = None

    def models(self):
        """The catalog's chat models as (provider, model) dicts."""
        if self._catalog is None:
            self._catalog = json.loads(self._channel.call("llm_catalog")["value"] or "{}")
        return [(p, m) for p in self._catalog.get("providers", []) for m in p.get("models", [])
                if "chat" in [c.lower() for c in m.get("capabilities", ["chat"])]]

    def choose(self, model=None, provider=None, min_quality=0, sensitive=False):
        """The cheapest chat model that fits, with the reasons why, or TaskFailed naming what excluded each."""
        fits, excluded = [], []
        for p, m in self.models():
            name = f"{p['name']}/{m['model']}"
            if model and model not in (m["model"], name):
                continue
            if provider and provider != p["name"]:
                continue
            if p.get("type") not in OPENAI_STYLE:
                excluded.append(f"{name} excluded: the Python SDK does not call providers of type {p.get('type')}")
            elif m.get("qualityTier", 0) < min_quality:
                excluded.append(f"{name} excluded: quality {m.get('qualityTier', 0)} < {min_quality}")
            elif sensitive and m.get("external", p.get("external", False)):
                excluded.append(f"{name} excluded: external, and the data is sensitive")
            else:
                fits.append((m.get("inputPricePer1k", 0) + m.get("outputPricePer1k", 0), name, p, m))
        if not fits:
            raise TaskFailed("no chat model of the catalog fits this call" + (": " + "; ".join(excluded)
                                                                            if excluded else ""))
        fits.sort(key=lambda f: (f[0], f[1]))
        _, name, p, m = fits[0]
        return p, m, "; ".join([f"chose {name}: cheapest chat model that fits"] + excluded)

    def chat(self, prompt, *, system=None, model=None, provider=None, min_quality=0, sensitive=False,
             max_tokens=None):
        """Sends prompt (and an optional system message) to the chosen model; returns the answer's text."""
        p, m, reasons = self.choose(model, provider, min_quality, sensitive)
        messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": prompt}]
        body = {"model": m["model"], "messages": messages, **({"max_tokens": max_tokens} if max_tokens else {})}
        call_hash = hashlib.sha256(json.dumps({"provider": p["name"], **body}, sort_keys=True).encode()).hexdigest()
        prepared = self._channel.call("llm_prepare", call_hash=call_hash)
        record = {"provider": p["name"], "model": m["model"], "reasons": reasons, "callHash": call_hash}
        if prepared.get("found"):
            self._channel.call("llm_record", call={**record, "outcome": "replayed",
                                                   "responseJson": prepared["response"]})
            return _text(json.loads(prepared["response"]))
        started = time.monotonic()
        try:
            response = _post(p["baseUrl"].rstrip("/") + OPENAI_STYLE[p["type"]] + "/chat/completions", body,
                             p.get("apiKey"))
        except (OSError, ValueError) as e:
            self._channel.call("llm_record", call={**record, "outcome": "error", "error": str(e),
                                                   "latencyMs": int((time.monotonic() - started) * 1000)})
            raise TaskFailed(f"{p['name']}/{m['model']} failed: {e}") from e
        usage = response.get("usage", {})
        inputs, outputs = usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)
        cost = (inputs * m.get("inputPricePer1k", 0) + outputs * m.get("outputPricePer1k", 0)) / 1000
        self._channel.call("llm_record", call={
            **record, "outcome": "success", "inputTokens": inputs, "outputTokens": outputs,
            "costMicroUsd": round(cost * 1_000_000), "latencyMs": int((time.monotonic() - started) * 1000),
            "responseJson": json.dumps(response)})
        return _text(response)


def _post(url, body, api_key):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": "Bearer " + api_key} if api_key else {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as e:
        raise ValueError(f"HTTP {e.code} from {url}: {e.read()[:500].decode('utf-8', 'replace')}") from e


def _text(response):
    return response["choices"][0]["message"]["content"]
