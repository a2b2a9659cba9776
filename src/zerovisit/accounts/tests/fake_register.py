"""A local population register for tests: it verifies names against ID numbers and faces against the people it
knows, checks signatures, and can be told to fail."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from zerovisit.core.outbound import signature


class FakeRegister:
    def __init__(self, people: dict[str, str], secret: str = "register-secret-for-tests"):
        self.people = people  # ID number → name
        self.secret = secret
        self.faces: dict[str, bytes] = {}  # ID number → the photo that matches, when set
        self.requests: list[dict] = []
        self.fail_with: int | None = None
        register = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("X-Signature") != signature(register.secret, self.headers.get("X-Timestamp", ""),
                                                                body):  # fmt: skip
                    return self._answer(401, {})
                if register.fail_with:
                    return self._answer(register.fail_with, {})
                asked = json.loads(body)
                register.requests.append({"path": self.path, **asked})
                known = register.people.get(asked["id_number"])
                if known is None:
                    result = "not_found"
                elif known != asked["name"]:
                    result = "mismatch"
                elif self.path == "/faces/verify":
                    face = register.faces.get(asked["id_number"])
                    result = "match" if face is None or base64.b64decode(asked["image"]) == face else "mismatch"
                else:
                    result = "match"
                self._answer(200, {"result": result})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
