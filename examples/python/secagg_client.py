#!/usr/bin/env python3
"""Hand a model update to the local `secagg node` daemon and wait for the secure aggregate.

Python's standard library only; numpy arrays are accepted when numpy is installed. Use it as a module
from a training loop:

    from secagg_client import SecAggClient
    client = SecAggClient()                       # finds the daemon through $SECAGG_NODE_DATA_DIR or ~/.secagg
    mean = client.aggregate("mnist", update, weight=len(local_samples))

or from the shell, with an update stored as raw little-endian float32 or as a .npy file:

    python3 secagg_client.py --session mnist --file update.npy --weight 600
"""
import argparse
import array
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class SecAggError(Exception):
    """The daemon refused a request; the message is its own, naming what was wrong."""


class DaemonUnreachable(SecAggError):
    """The daemon did not answer (it may be restarting: accepted updates survive that)."""


class SecAggClient:
    def __init__(self, data_dir=None, api=None, token=None, start_timeout=30):
        """Finds the daemon through its data directory, waiting up to start_timeout seconds for it to start."""
        # The node's own variable: the client needs the directory `secagg node` was started with.
        data_dir = data_dir or os.environ.get("SECAGG_NODE_DATA_DIR") or os.path.expanduser("~/.secagg")
        if api is None:
            runtime = os.path.join(data_dir, "daemon.json")
            deadline = time.time() + start_timeout
            while not os.path.exists(runtime):
                if time.time() >= deadline:
                    raise SecAggError("no daemon is running with data directory %s (no daemon.json there)" % data_dir)
                time.sleep(0.2)
            with open(runtime) as f:
                api = json.load(f)["api"]
        if token is None:
            with open(os.path.join(data_dir, "api-token")) as f:
                token = f.read().strip()
        self.api = api.rstrip("/")
        self.token = token

    def _request(self, method, path, body=None, content_type=None, timeout=330):
        headers = {"Authorization": "Bearer " + self.token}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.api + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            try:
                message = json.loads(err.read())["message"]
            except Exception:
                message = err.reason
            raise SecAggError("%d: %s" % (err.code, message)) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
            raise DaemonUnreachable("cannot reach the daemon at %s: %s" % (self.api, getattr(err, "reason", err))) from None

    def submit(self, session, update, weight=None):
        """Queues an update (a sequence of floats, a numpy array, or .npy bytes); returns its id."""
        if isinstance(update, (bytes, bytearray)) and update[:6] == b"\x93NUMPY":
            body, content_type = bytes(update), "application/x-npy"
        else:
            if hasattr(update, "astype"):  # numpy: flatten to little-endian float32
                body = update.astype("<f4").tobytes()
            else:
                values = array.array("f", update)
                if sys.byteorder == "big":
                    values.byteswap()
                body = values.tobytes()
            content_type = "application/octet-stream"
        query = "" if weight is None else "?weight=%s" % weight
        return self._request("POST", "/v1/sessions/%s/updates%s" % (_quote(session), query), body, content_type)["id"]

    def wait(self, update_id, timeout=600):
        """Waits until the update is aggregated; returns the round it went into."""
        deadline = time.time() + timeout
        while True:
            left = max(0.0, min(300.0, deadline - time.time()))
            try:
                status = self._request("GET", "/v1/updates/%s?wait=%.1f" % (_quote(update_id), left))
            except DaemonUnreachable:
                # a restarting daemon keeps the update on disk: ask again until the deadline
                if time.time() >= deadline:
                    raise
                time.sleep(1)
                continue
            if status["state"] == "aggregated":
                return status["round"]
            if status["state"] == "failed":
                raise SecAggError("update %s failed: %s" % (update_id, status.get("error")))
            if time.time() >= deadline:
                raise TimeoutError("update %s is still %s" % (update_id, status["state"]))

    def result(self, session, round_number="latest"):
        """The round's result: a dict with round, survivors, weightSum, mean and sum."""
        return self._request("GET", "/v1/sessions/%s/rounds/%s" % (_quote(session), _quote(str(round_number))))

    def aggregate(self, session, update, weight=None, timeout=600):
        """Submits an update, waits for its round, and returns the weighted mean of the survivors."""
        round_number = self.wait(self.submit(session, update, weight), timeout)
        return self.result(session, round_number)["mean"]


def _quote(part):
    return urllib.parse.quote(part, safe="")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--session", required=True, help="the session's name or id")
    parser.add_argument("--file", required=True, help="the update: .npy, or raw little-endian float32")
    parser.add_argument("--weight", type=float, help="the update's weight, such as its sample count")
    parser.add_argument("--data-dir", help="the daemon's data directory (default $SECAGG_NODE_DATA_DIR, else ~/.secagg)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the round")
    args = parser.parse_args()
    try:
        with open(args.file, "rb") as f:
            update = f.read()
    except OSError as err:
        print("secagg: cannot read %s: %s" % (args.file, err.strerror), file=sys.stderr)
        return 2
    if update[:6] != b"\x93NUMPY":
        if len(update) % 4 != 0:
            print("secagg: %s is neither .npy nor raw float32 (%d bytes, not a multiple of 4)" % (args.file, len(update)), file=sys.stderr)
            return 2
        update = array.array("f", update)
        if sys.byteorder == "big":
            update.byteswap()
    try:
        client = SecAggClient(data_dir=args.data_dir)
        update_id = client.submit(args.session, update, args.weight)
        round_number = client.wait(update_id, args.timeout)
        result = client.result(args.session, round_number)
    except (SecAggError, TimeoutError) as err:
        print("secagg: %s" % err, file=sys.stderr)
        return 1
    print(json.dumps({"round": result["round"], "survivors": len(result["survivors"]), "weightSum": result["weightSum"], "mean": result["mean"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
