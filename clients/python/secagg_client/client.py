"""SecAggClient: hands model updates to the local `secagg node` daemon and brings back the secure mean."""
import json
import os
import time
import uuid

from .errors import DaemonUnreachable, DimensionMismatch, RoundTimeout, SecAggError, failed
from .transport import Transport, quote
from .updates import flatten, floats_at

# The daemon ends a long poll after this many seconds at most.
_MAX_WAIT = 300
# Socket time allowed on top of a long poll's own wait.
_POLL_SLACK = 30


class AggregateResult:
    """A round's result as this node's trainer sees it.

    mean          the survivors' weighted mean, in the shape and type of the update handed in
    round         the round number
    survivors     how many peers' updates the mean is of
    participants  how many peers started the round
    weight_sum    the survivors' total weight
    clipped       how many coordinates of this node's update were clipped to the session's range
                  (None when this node had no update in the round)
    update_id     this node's update in the round, if any
    """

    def __init__(self, mean, round, survivors, participants, weight_sum, clipped, update_id):
        self.mean = mean
        self.round = round
        self.survivors = survivors
        self.participants = participants
        self.weight_sum = weight_sum
        self.clipped = clipped
        self.update_id = update_id

    def summary(self):
        """Everything but the mean, as a dict (what the command line prints)."""
        return {"round": self.round, "update": self.update_id, "survivors": self.survivors,
                "participants": self.participants, "weightSum": self.weight_sum, "clipped": self.clipped}

    def __repr__(self):
        return "AggregateResult(%s)" % ", ".join("%s=%r" % item for item in self.summary().items())


class SecAggClient:
    """A trainer's handle on its daemon.

    The daemon is found through its data directory (data_dir, else $SECAGG_NODE_DATA_DIR, else
    ~/.secagg): the API address in daemon.json, the bearer token in api-token. `api` and `token`
    override either. Requests that fail to connect or get a 5xx answer are retried `retries` times with
    exponential backoff from `backoff` seconds.
    """

    def __init__(self, data_dir=None, api=None, token=None, start_timeout=30, retries=5, backoff=0.5):
        # The node's own variable: the client needs the directory `secagg node` was started with.
        self.data_dir = data_dir or os.environ.get("SECAGG_NODE_DATA_DIR") or os.path.expanduser("~/.secagg")
        if api is None:
            _wait_for_runtime_note(self.data_dir, start_timeout)
            locate = self._api_from_data_dir
        else:
            fixed = api.rstrip("/")

            def locate():
                return fixed
        if token is None:
            token = _read_token(self.data_dir)
        self._http = Transport(locate, token, retries=retries, backoff=backoff)

    @property
    def api(self):
        return self._http.api

    def session(self, session):
        """The session as the daemon describes it: name, id, dimension, members, config, ..."""
        return self._http.request("GET", "/v1/sessions/%s" % quote(session)).json()

    def submit(self, session, update, weight=None, idempotency_key=None):
        """Queues an update for the session's next round; returns its status (a dict with its `id`).

        One Idempotency-Key (a fresh UUID unless given) goes with every retry of this submit, so the
        daemon queues it once however often the request is sent. Pass your own key, kept across a
        crash of the trainer, to make a resubmit after the crash idempotent too.
        """
        return self._submit(session, flatten(update), weight, idempotency_key)

    def wait(self, update_id, timeout=600):
        """Waits until the update is aggregated and returns its final status (with its `round`).
        Raises UpdateFailed (DoNotResend), PrivacyBudgetExhausted, or RoundTimeout."""
        deadline = time.monotonic() + timeout
        while True:
            left = max(0.0, deadline - time.monotonic())
            wait = min(_MAX_WAIT, left)
            try:
                status = self._http.request("GET", "/v1/updates/%s?wait=%.1f" % (quote(update_id), wait),
                                            timeout=wait + _POLL_SLACK).json()
            except DaemonUnreachable:
                # a restarting daemon keeps the update on disk: ask again until the deadline
                if time.monotonic() >= deadline:
                    raise
                time.sleep(1)
                continue
            state = status["state"]
            if state == "aggregated":
                return status
            if state == "failed":
                raise failed(status)
            if time.monotonic() >= deadline:
                raise RoundTimeout(update_id, state, timeout)

    def result(self, session, round_number="latest", like=None):
        """A round's result. The mean comes back shaped like `like` (an update of the session's shape),
        or as a flat array.array('f') without it."""
        layout = flatten(like) if like is not None else None
        return self._result(session, round_number, layout)

    def aggregate(self, session, update, weight=None, timeout=600, idempotency_key=None):
        """Submits an update, waits for its round, and returns the AggregateResult, whose `.mean` has the
        update's shape and type (a state_dict gives a state_dict, a numpy array one of the same shape)."""
        layout = flatten(update)
        status = self._submit(session, layout, weight, idempotency_key)
        done = self.wait(status["id"], timeout)
        return self._result(session, done["round"], layout)

    def _submit(self, session, layout, weight, idempotency_key):
        dimension = self.session(session)["dimension"]
        if layout.size != dimension:
            raise DimensionMismatch(session, dimension, layout.size)
        query = "" if weight is None else "?weight=%r" % float(weight)
        headers = {"Content-Type": "application/octet-stream", "Idempotency-Key": idempotency_key or str(uuid.uuid4())}
        return self._http.request("POST", "/v1/sessions/%s/updates%s" % (quote(session), query), layout.body, headers).json()

    def _result(self, session, round_number, layout):
        # binary: the mean as raw float32, the rest in headers (JSON lists of a million floats are slow)
        response = self._http.request("GET", "/v1/sessions/%s/rounds/%s" % (quote(session), quote(round_number)),
                                      headers={"Accept": "application/octet-stream"})
        kind = response.headers.get("Content-Type", "")
        if not kind.startswith("application/octet-stream"):
            raise SecAggError("the daemon answered round %s of session %s as %s, not application/octet-stream: "
                              "it is older than this client" % (round_number, session, kind or "no content type"))
        mean = response.body
        if layout is not None and len(mean) != layout.size * 4:
            raise SecAggError("round %s of session %s has a mean of %d values, the update %d"
                              % (round_number, session, len(mean) // 4, layout.size))
        update_id = response.headers.get("x-secagg-update")
        clipped = response.headers.get("x-secagg-clipped")
        return AggregateResult(
            mean=layout.rebuild(mean) if layout is not None else floats_at(mean),
            round=int(response.headers["x-secagg-round"]),
            survivors=int(response.headers["x-secagg-survivors"]),
            participants=int(response.headers["x-secagg-participants"]),
            weight_sum=float(response.headers["x-secagg-weight-sum"]),
            clipped=int(clipped) if clipped is not None else None,
            update_id=update_id,
        )

    def _api_from_data_dir(self):
        try:
            with open(os.path.join(self.data_dir, "daemon.json")) as f:
                return json.load(f)["api"].rstrip("/")
        except (OSError, ValueError, KeyError) as err:
            raise SecAggError("cannot read the daemon's address from %s: %s"
                              % (os.path.join(self.data_dir, "daemon.json"), err)) from None


def _wait_for_runtime_note(data_dir, timeout):
    """Waits for daemon.json, which the daemon writes once its API is up."""
    deadline = time.monotonic() + timeout
    while not os.path.exists(os.path.join(data_dir, "daemon.json")):
        if time.monotonic() >= deadline:
            raise DaemonUnreachable("no daemon is running with data directory %s (no daemon.json there after %g s)"
                                    % (data_dir, timeout))
        time.sleep(0.2)


def _read_token(data_dir):
    path = os.path.join(data_dir, "api-token")
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError as err:
        raise SecAggError("cannot read the API token %s: %s (pass token= or the daemon's data_dir)"
                          % (path, err.strerror)) from None
