"""A webhook receiver for the tests: verifies every message with the reference
`standardwebhooks` library (not the gateway's code), answers as told, and records what it got.

    python receiver.py            # prints "listening on PORT" once ready

Control (JSON over HTTP, under /_control):
    POST /_control/config  {"path": "/a", "secrets": {"name": "whsec_…"},
                            "responses": [{"status": 500}, {"status": 429, "retryAfter": "1"}],
                            "then": {"status": 200, "delayMs": 0}}
        Messages to `path` are verified with each named secret (the given set replaces the
        previous one); they are answered with the
        queued responses in turn, then with `then` (default 200).
    GET  /_control/received?path=/a   what was received, oldest first.
    GET  /_control/concurrency?path=/a  {"max": the most requests to `path` answered at once}.
"""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from standardwebhooks import Webhook

LOCK = threading.Lock()
CONFIG = {}  # path -> {"secrets": {...}, "responses": [...], "then": {...}}
RECEIVED = []
IN_FLIGHT = {}  # path -> requests being answered now
MOST_IN_FLIGHT = {}  # path -> the most answered at once


def config_of(path):
    return CONFIG.setdefault(path, {"secrets": {}, "responses": [], "then": {"status": 200}})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length)

    def do_GET(self):
        url = urlparse(self.path)
        path = parse_qs(url.query).get("path", [None])[0]
        if url.path == "/_control/concurrency":
            with LOCK:
                body = json.dumps({"max": MOST_IN_FLIGHT.get(path, 0)}).encode()
            return self.answer(200, body, {"Content-Type": "application/json"})
        if url.path != "/_control/received":
            return self.answer(404)
        with LOCK:
            items = [r for r in RECEIVED if path is None or r["path"] == path]
            body = json.dumps(items).encode()
        self.answer(200, body, {"Content-Type": "application/json"})

    def do_POST(self):
        url = urlparse(self.path)
        raw = self.body()
        if url.path == "/_control/config":
            update = json.loads(raw)
            with LOCK:
                config = config_of(update["path"])
                if "secrets" in update:
                    config["secrets"] = dict(update["secrets"])
                if "responses" in update:
                    config["responses"] = list(update["responses"])
                if "then" in update:
                    config["then"] = update["then"]
            return self.answer(204)
        headers = {k.lower(): v for k, v in self.headers.items()}
        with LOCK:
            IN_FLIGHT[url.path] = IN_FLIGHT.get(url.path, 0) + 1
            MOST_IN_FLIGHT[url.path] = max(MOST_IN_FLIGHT.get(url.path, 0), IN_FLIGHT[url.path])
            config = config_of(url.path)
            secrets = dict(config["secrets"])
            response = config["responses"].pop(0) if config["responses"] else config["then"]
        verified = []
        errors = {}
        for name, secret in secrets.items():
            try:
                Webhook(secret).verify(raw, headers)
                verified.append(name)
            except Exception as e:  # the reference library's refusal, recorded for the test
                errors[name] = str(e)
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = None
        status = int(response.get("status", 200))
        with LOCK:
            RECEIVED.append({
                "path": url.path,
                "id": headers.get("webhook-id"),
                "timestamp": headers.get("webhook-timestamp"),
                "signature": headers.get("webhook-signature"),
                "payload": payload,
                "verified": verified,
                "errors": errors,
                "answered": status,
                "at": time.time(),
            })
        delay = response.get("delayMs", 0)
        if delay:
            time.sleep(delay / 1000)
        extra = {}
        if "retryAfter" in response:
            extra["Retry-After"] = str(response["retryAfter"])
        # No longer in flight once the answer is decided, before it is written: the sender may
        # start its next request as soon as the answer arrives, and this thread may not run
        # again before that request is counted (seen as one more than the bound at once).
        with LOCK:
            IN_FLIGHT[url.path] -= 1
        self.answer(status, b"ok", extra)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A gateway killed mid-request (the SIGKILL test) resets its connections: expected.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
