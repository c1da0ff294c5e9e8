"""Real HTTP servers on 127.0.0.1 that speak the OpenAI chat-completions and DeepL v2 protocols,
for the API engines' tests and benchmark. They answer from a table (source text -> translation),
and a script makes the next requests misbehave: throttle with 429 + Retry-After, fail with 5xx,
hang past the client's timeout, return malformed JSON, or refuse (400/403)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeAPI:
    """``script``: what the next requests do, one word each ("429", "500", "hang", "malformed",
    "400", "403", "wrapped", "refuse"), then "ok" for ever. ``latency`` is added to every answer."""

    def __init__(self, translate: Callable[[str], str], latency: float = 0.0) -> None:
        self.translate = translate
        self.latency = latency
        self.script: list[str] = []
        self.requests: list[dict] = []  # path, headers, body of every request
        self.lock = threading.Lock()
        self.in_flight = self.peak_in_flight = 0
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self) -> FakeAPI:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def next_action(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else "ok"

    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _leave(self) -> None:
                """The request stops counting as in flight (once): before its answer is written,
                since the client may send its next request the moment the answer arrives."""
                with api.lock:
                    if getattr(self, "_in_flight", False):
                        self._in_flight = False
                        api.in_flight -= 1

            def _send(self, status: int, body: bytes, headers: dict | None = None) -> None:
                self._leave()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = {"raw": raw.decode("utf-8", "replace")}
                with api.lock:
                    api.requests.append(
                        {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                    )
                    api.in_flight += 1
                    api.peak_in_flight = max(api.peak_in_flight, api.in_flight)
                    self._in_flight = True
                try:
                    self._answer(body)
                finally:
                    self._leave()

            def _answer(self, body: dict) -> None:
                action = api.next_action()
                if api.latency:
                    time.sleep(api.latency)
                if action == "hang":
                    time.sleep(3)
                    return
                error = {"error": {"message": f"scripted {action}", "type": "test"}}
                if action == "429":
                    return self._send(429, json.dumps(error).encode(), {"Retry-After": "0.2"})
                if action in ("400", "403", "500", "503"):
                    return self._send(int(action), json.dumps(error).encode())
                if action == "malformed":
                    return self._send(200, b'{"choices": [ {"message": ')
                if self.path.endswith("/chat/completions"):
                    return self._chat(body, action)
                if self.path.endswith("/v2/translate"):
                    return self._deepl(body)
                return self._send(404, b'{"message": "no such path"}')

            def _chat(self, body: dict, action: str) -> None:
                text = body["messages"][-1]["content"]
                answer = api.translate(text)
                if action == "wrapped":
                    answer = f'Here is the translation:\n\n"{answer}"'
                elif action == "refuse":
                    answer = "I'm sorry, but I can't help with that."
                reply = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body.get("model"),
                    "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}
                    ],
                    "usage": {
                        "prompt_tokens": sum(len(m["content"].split()) for m in body["messages"]),
                        "completion_tokens": len(answer.split()),
                        "total_tokens": 0,
                    },
                }
                self._send(200, json.dumps(reply).encode())

            def _deepl(self, body: dict) -> None:
                texts = body.get("text") or []
                reply = {
                    "translations": [
                        {
                            "detected_source_language": (body.get("source_lang") or "SV").upper(),
                            "text": api.translate(text),
                            "billed_characters": len(text),
                        }
                        for text in texts
                    ]
                }
                self._send(200, json.dumps(reply).encode())

        return Handler
