import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@pytest.fixture
def receiver():
    """A real group-robot endpoint on 127.0.0.1: answers the statuses in `plan` in turn (then 200 with
    errcode 0), and keeps every body it received."""
    state = {"plan": [], "bodies": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state["bodies"].append(body)
            status = state["plan"].pop(0) if state["plan"] else 200
            answer = b'{"errcode":0,"errmsg":"ok"}' if status == 200 else b"server error"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=test"
    yield state
    server.shutdown()
    server.server_close()
