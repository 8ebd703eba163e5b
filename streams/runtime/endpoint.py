"""The HTTP endpoint of one processor instance: metrics for Prometheus, health for supervisors.

    GET /metrics   Prometheus text
    GET /livez     200 while the loop steps, else 503   (a liveness probe)
    GET /readyz    200 while it holds work and is not stuck, else 503   (a readiness probe)
    GET /status    200, the whole `Health.status()` as JSON (what `/healthz` of the site reads)
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from streams.runtime.health import Health


class Endpoint:
    def __init__(self, registry: CollectorRegistry, health: Health) -> None:
        self.registry, self.health = registry, health
        self._server: ThreadingHTTPServer | None = None

    def serve(self, port: int, address: str) -> None:
        """Serve until `close` (port 0: not at all)."""
        if not port:
            return
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, content_type, body = endpoint.answer(self.path.split("?", 1)[0])
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:  # probes every few seconds would flood the log
                pass

        self._server = ThreadingHTTPServer((address, port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="endpoint", daemon=True).start()

    def answer(self, path: str) -> tuple[int, str, bytes]:
        if path in ("/", "/metrics"):
            return 200, CONTENT_TYPE_LATEST, generate_latest(self.registry)
        if path == "/status":
            return 200, "application/json", json.dumps(self.health.status()).encode()
        if path in ("/livez", "/readyz"):
            ok = self.health.alive() if path == "/livez" else self.health.ready()
            body = json.dumps({"ok": ok, "processor": self.health.processor, "instance": self.health.instance})
            return (200 if ok else 503), "application/json", body.encode()
        return 404, "text/plain", b"not found\n"

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
