"""Python client of the `secagg node` daemon: secure aggregation of model updates over libp2p.

    from secagg_client import SecAggClient
    client = SecAggClient()                  # the daemon of $SECAGG_NODE_DATA_DIR, else ~/.secagg
    result = client.aggregate("mnist", model.state_dict(), weight=len(local_samples))
    model.load_state_dict(result.mean)

Standard library only; numpy arrays and torch tensors are taken when the trainer uses them.
"""
from .client import AggregateResult, SecAggClient
from .errors import (BadRequest, DaemonUnreachable, DimensionMismatch, DoNotResend, PrivacyBudgetExhausted,
                     RoundTimeout, SecAggError, UpdateFailed)
from .updates import flatten

__all__ = [
    "AggregateResult", "BadRequest", "DaemonUnreachable", "DimensionMismatch", "DoNotResend",
    "PrivacyBudgetExhausted", "RoundTimeout", "SecAggClient", "SecAggError", "UpdateFailed", "flatten",
]
