"""A stand-in processor instance: answers GET /status (the processor status contract) with what a test sets.

For the states a real processor reaches only by accident (holding no partitions, aborting the
same batch again and again, hanging), so /healthz and the ops page can be shown to name them.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEALTHY = {
    "processor": "projector", "instance": "stand-in", "alive": True, "ready": True, "last_step_age_s": 0.1,
    "partitions_held": [f"auction.items:{n}" for n in range(6)], "tasks_held": list(range(6)), "task_count": 6,
    "aborts_in_a_row": 0, "last_commit_age_s": 0.5, "lag": 0, "dead_letters": 0,
}


class StatusServer:
    def __init__(self, status: dict | None = None, *, delay_s: float = 0.0) -> None:
        self.status = dict(status or HEALTHY)
        self.delay_s = delay_s
        self.asked = 0
        self._closing = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.asked += 1
                server._closing.wait(server.delay_s)
                if self.path.split("?")[0] != "/status":
                    self.send_error(404)
                    return
                body = json.dumps(server.status).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.metrics_url = f"http://127.0.0.1:{self._httpd.server_address[1]}/metrics"
        threading.Thread(target=self._httpd.serve_forever, name="status-server", daemon=True).start()

    def close(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> "StatusServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
