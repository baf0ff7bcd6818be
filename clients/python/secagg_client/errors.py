"""The errors the client raises: one type per thing a trainer would handle differently."""


class SecAggError(Exception):
    """Base of every error of this client; the message names what was wrong."""


class DaemonUnreachable(SecAggError):
    """The daemon did not answer, even after retries (it may be restarting: accepted updates survive that)."""


class BadRequest(SecAggError):
    """The daemon refused a request (4xx). `.status` is the HTTP status, `.code` the daemon's stable code."""

    def __init__(self, status, code, message):
        super().__init__("%s (HTTP %d, %s)" % (message, status, code))
        self.status = status
        self.code = code


class DimensionMismatch(SecAggError, ValueError):
    """The update flattens to another number of float values than the session's dimension; nothing was sent."""

    def __init__(self, session, expected, actual):
        super().__init__(
            "session %s takes updates of %d float values, this update flattens to %d "
            "(entries that are not floating point, such as BatchNorm's num_batches_tracked, are not counted)"
            % (session, expected, actual)
        )
        self.session = session
        self.expected = expected
        self.actual = actual


class UpdateFailed(SecAggError):
    """The daemon gave up on an update (its state is `failed`); `.code` says why, `.update_id` which."""

    def __init__(self, update_id, code, message, round_number=None):
        super().__init__("update %s failed (%s): %s" % (update_id, code, message))
        self.update_id = update_id
        self.code = code
        self.round = round_number


class DoNotResend(UpdateFailed):
    """The update's round failed after this node revealed shares of it: this update must not be resent
    (the revealed shares and a second masked copy together would expose it): submit a fresh one."""


class PrivacyBudgetExhausted(SecAggError):
    """The session's differential-privacy budget has no room for this update, either refused on submit
    (`.status` is set) or failed in its round (`.update_id` is set). No retry helps within this session."""

    def __init__(self, message, status=None, update_id=None):
        super().__init__(message)
        self.code = "privacy-budget"
        self.status = status
        self.update_id = update_id


class RoundTimeout(SecAggError, TimeoutError):
    """The update was not aggregated in time. It stays queued on the daemon: `client.wait(e.update_id)`
    keeps waiting for it, where submitting it again would put a second copy in the queue."""

    def __init__(self, update_id, state, seconds):
        super().__init__("update %s is still %s after %g s" % (update_id, state, seconds))
        self.update_id = update_id
        self.state = state


def refused(status, body, fallback):
    """The error for a 4xx answer, from the daemon's `{statusCode, code, message}` body."""
    code = body.get("code") if isinstance(body, dict) else None
    message = body.get("message") if isinstance(body, dict) else None
    code = code or "http-%d" % status
    message = message or fallback
    if code == "privacy-budget":
        return PrivacyBudgetExhausted(message, status=status)
    return BadRequest(status, code, message)


def failed(status):
    """The error for an update status whose state is `failed`."""
    update_id = status.get("id")
    code = status.get("code") or "round-failed"
    message = status.get("error") or "no reason given"
    if code == "privacy-budget":
        return PrivacyBudgetExhausted("update %s failed: %s" % (update_id, message), update_id=update_id)
    kind = DoNotResend if code == "do-not-resend" else UpdateFailed
    return kind(update_id, code, message, status.get("round"))
