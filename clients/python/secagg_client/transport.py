"""HTTP to the daemon's local API: the bearer token, errors as typed exceptions, bounded retries.

Every request is retried on a connection error, a timeout or a 5xx answer, with exponential backoff.
That is safe for a submit only because the client sends each one with an Idempotency-Key, which the
daemon uses to answer a repeat with the update it already queued.
"""
import http.client
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request

from .errors import DaemonUnreachable, SecAggError, refused

# Backoff doubles from the client's `backoff` up to this many seconds.
MAX_BACKOFF = 8.0
# The daemon's API is on this machine: never through $http_proxy.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


class Transport:
    """Requests to one daemon. `locate()` gives the API's base URL and is asked again after a failed
    connection, since a restarted daemon may listen elsewhere (its data directory says where)."""

    def __init__(self, locate, token, retries=5, backoff=0.5):
        self._locate = locate
        self.api = locate()
        self.token = token
        self.retries = retries
        self.backoff = backoff

    def request(self, method, path, body=None, headers=None, timeout=60):
        """The daemon's answer (2xx), after up to `retries` retries; raises BadRequest (or
        PrivacyBudgetExhausted) on a 4xx, DaemonUnreachable when it never answers."""
        all_headers = {"Authorization": "Bearer " + self.token}
        all_headers.update(headers or {})
        attempt = 0
        while True:
            last = attempt == self.retries
            request = urllib.request.Request(self.api + path, data=body, method=method, headers=all_headers)
            try:
                with _OPENER.open(request, timeout=timeout) as response:
                    return Response(response.status, response.headers, response.read())
            except urllib.error.HTTPError as err:
                answer = _error_body(err)
                if err.code < 500:
                    raise refused(err.code, answer, "%s %s answered %d %s" % (method, path, err.code, err.reason)) from None
                if last:
                    message = answer.get("message") if isinstance(answer, dict) else None
                    error = DaemonUnreachable if err.code == 503 else SecAggError
                    raise error("%s %s at %s answered %d: %s" % (method, path, self.api, err.code, message or err.reason)) from None
            except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
                if last:
                    reason = getattr(err, "reason", None) or err
                    raise DaemonUnreachable("cannot reach the daemon at %s (%s %s, %d tries): %s"
                                            % (self.api, method, path, attempt + 1, reason)) from None
                self._relocate()
            # jittered, so that trainers cut off together do not all come back at the same instant
            time.sleep(min(MAX_BACKOFF, self.backoff * 2 ** attempt) * random.uniform(0.5, 1.0))
            attempt += 1

    def _relocate(self):
        try:
            self.api = self._locate()
        except SecAggError:
            pass  # no runtime note now (the daemon is restarting): keep the address we had


def _error_body(err):
    try:
        return json.loads(err.read())
    except (ValueError, OSError, http.client.HTTPException):
        return None


def quote(part):
    return urllib.parse.quote(str(part), safe="")
