"""What the tests share: this checkout's package on the path, optional modules, and a fake daemon.

Imported first by every test module: the package's directory goes first on sys.path, so the tests
check the code beside them, not a copy installed elsewhere.
"""
import hashlib
import json
import os
import sys
import tempfile
import threading
import unittest
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def optional(module):
    """The module, or None (with the reason printed once) when it is not installed."""
    try:
        return __import__(module)
    except ImportError as err:
        if module not in _reported:
            _reported.add(module)
            print("\n%s is not installed (%s): its tests are skipped" % (module, err), file=sys.stderr)
        return None


_reported = set()
numpy = optional("numpy")
torch = optional("torch")
needs_numpy = unittest.skipIf(numpy is None, "numpy is not installed")
needs_torch = unittest.skipIf(torch is None or numpy is None, "torch (with numpy) is not installed")

TOKEN = "test-token"


class FakeDaemon:
    """The daemon's API as the client uses it, in-process, on a free loopback port.

    One peer: a round's mean is the update itself. Knobs: `drop_posts` (answers to POST .../updates to
    drop after queueing the update, as a connection cut just then would), `fail_next` (statuses to
    answer the next requests with, before looking at them), `final` (the state, code and error an
    update's status reports), `clipped`.
    """

    def __init__(self, sessions=None):
        self.sessions = dict(sessions or {"s": 4})
        self.queued = []
        self.requests = []
        self.drop_posts = 0
        self.fail_next = []
        self.final = {"state": "aggregated"}
        self.clipped = 0
        self._keys = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self._server.server_address[1]
        # a short poll, so that close() does not wait half a second for the serving loop to notice
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()

    def close(self):
        self._server.shutdown()
        self._server.server_close()

    def posts(self):
        return [r for r in self.requests if r["method"] == "POST"]

    def data_dir(self, test):
        """A data directory pointing at this fake, removed after the test."""
        directory = tempfile.TemporaryDirectory()
        test.addCleanup(directory.cleanup)
        write_runtime_note(directory.name, self.url)
        with open(os.path.join(directory.name, "api-token"), "w") as f:
            f.write(TOKEN + "\n")
        return directory.name

    def status(self, update):
        return {"id": update["id"], "session": update["session"], "state": "queued", "acceptedAt": 0, "tries": 0}

    # Handling, under the lock: the client may retry while an earlier request is still being answered.

    def handle(self, method, path, query, headers, body):
        with self._lock:
            self.requests.append({"method": method, "path": path, "query": query, "headers": headers, "body": body})
            if self.fail_next:
                status = self.fail_next.pop(0)
                return status, {}, _error(status, "fake-failure", "the fake daemon was told to fail this request")
            if headers.get("authorization") != "Bearer " + TOKEN:
                return 401, {}, _error(401, "unauthorized", "wrong bearer token")
            parts = path.strip("/").split("/")
            if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "sessions"]:
                return self._session(parts[2])
            if method == "POST" and len(parts) == 4 and parts[3] == "updates":
                return self._submit(parts[2], query, headers, body)
            if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "updates"]:
                return self._update(parts[2])
            if method == "GET" and len(parts) == 5 and parts[3] == "rounds":
                return self._round(parts[2], headers)
            return 404, {}, _error(404, "not-found", "no route %s %s" % (method, path))

    def _session(self, name):
        if name not in self.sessions:
            return 404, {}, _error(404, "unknown-session", "this node has not joined a session '%s'" % name)
        return 200, {}, {"name": name, "dimension": self.sessions[name]}

    def _submit(self, session, query, headers, body):
        if session not in self.sessions:
            return 404, {}, _error(404, "unknown-session", "this node has not joined a session '%s'" % session)
        if len(body) != self.sessions[session] * 4:
            return 400, {}, _error(400, "bad-update", "a raw update of this session is %d float32 values, got %d bytes"
                                   % (self.sessions[session], len(body)))
        key = headers.get("idempotency-key")
        digest = hashlib.sha256(body + query.get("weight", "").encode()).hexdigest()
        if key is not None and key in self._keys:
            update = self._keys[key]
            if update["digest"] != digest:
                return 422, {}, _error(422, "idempotency-key-reused", "Idempotency-Key %s was used for another update" % key)
            return 200, {}, self.status(update)
        update = {"id": "u%d" % (len(self.queued) + 1), "session": session, "key": key, "digest": digest, "body": body,
                  "weight": float(query.get("weight", 1))}
        self.queued.append(update)
        if key is not None:
            self._keys[key] = update
        if self.drop_posts > 0:
            self.drop_posts -= 1
            return None
        return 202, {}, self.status(update)

    def _update(self, update_id):
        found = [u for u in self.queued if u["id"] == update_id]
        if not found:
            return 404, {}, _error(404, "unknown-update", "no update %s" % update_id)
        status = dict(self.status(found[0]), round=1, **self.final)
        return 200, {}, status

    def _round(self, session, headers):
        if headers.get("accept") != "application/octet-stream":
            return 406, {}, _error(406, "test-wants-binary", "the client must ask for the binary mean")
        update = [u for u in self.queued if u["session"] == session][-1]
        return 200, {
            "Content-Type": "application/octet-stream", "x-secagg-round": "1", "x-secagg-weight-sum": repr(update["weight"]),
            "x-secagg-survivors": "1", "x-secagg-participants": "1", "x-secagg-update": update["id"],
            "x-secagg-clipped": str(self.clipped),
        }, update["body"]


def write_runtime_note(data_dir, api):
    with open(os.path.join(data_dir, "daemon.json"), "w") as f:
        json.dump({"api": api, "pid": os.getpid()}, f)


def _error(status, code, message):
    return {"statusCode": status, "code": code, "message": message}


def _handler(fake):
    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = fake.handle(self.command, url.path, query, headers, body)
            if answer is None:  # the response is lost: the connection closes without one
                self.close_connection = True
                return
            status, extra, payload = answer
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            if "Content-Type" not in extra:
                self.send_header("Content-Type", "application/json")
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, *args):
            pass

    return Handler
