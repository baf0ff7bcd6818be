"""One trainer of test/clients/python-client.e2e.test.ts: aggregates a made-up update through the
Python client and prints, as one JSON line, what it sent, the mean it got back and in what shape.

The update's values lie on the session's fixed-point grid (clip 1, 16 bits: multiples of 2^-15, here
of 4 * 2^-15 so that a weight of 1 out of 4 keeps them whole), some beyond the clip, so that the
secure mean is exactly the plaintext mean of the clipped values and the clipped count is known.
"""
import argparse
import json
import random
import struct
from collections import OrderedDict

from secagg_client import SecAggClient, flatten

GRID = 4 / 2 ** 15
SHAPE = (3, 3, 5)
STATE = [("conv.weight", (2, 1, 2, 2), "float32"), ("conv.bias", (2,), "float32"), ("bn.weight", (2,), "float32"),
         ("bn.bias", (2,), "float32"), ("bn.running_mean", (2,), "float32"), ("bn.running_var", (2,), "float32"),
         ("fc.weight", (3, 8), "float64"), ("fc.bias", (3,), "float32")]


def grid_values(rng, count):
    """Values in [-1.5, 1.5] on the grid: those beyond 1 get clipped."""
    return [rng.randint(-12288, 12288) * GRID for _ in range(count)]


def numpy_update(rng, peer):
    import numpy as np

    # one trainer's array is float64: it must come back float64
    return np.array(grid_values(rng, 45), dtype=np.float64 if peer == 0 else np.float32).reshape(SHAPE)


def state_dict_update(rng, peer):
    import torch

    state = OrderedDict()
    for name, shape, dtype in STATE:
        count = 1
        for extent in shape:
            count *= extent
        state[name] = torch.tensor(grid_values(rng, count), dtype=getattr(torch, dtype)).reshape(shape)
    # an integer buffer, as BatchNorm has: not aggregated, handed back as it was
    state["bn.num_batches_tracked"] = torch.tensor(100 + peer)
    return state


def described(mean):
    """The mean's structure: its type, and the shape and dtype of each part."""
    if isinstance(mean, dict):
        return {"type": type(mean).__name__, "entries": {name: {"shape": list(value.shape), "dtype": str(value.dtype).replace("torch.", "")}
                                                         for name, value in mean.items()},
                "passedThrough": int(mean["bn.num_batches_tracked"])}
    return {"type": type(mean).__name__, "shape": list(mean.shape), "dtype": str(mean.dtype)}


def floats(update):
    body = flatten(update).body
    return list(struct.unpack("<%df" % (len(body) // 4), body))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--api", help="the API's address, when it is not the one in the data directory")
    parser.add_argument("--session", required=True)
    parser.add_argument("--kind", choices=["numpy", "state_dict"], required=True)
    parser.add_argument("--peer", type=int, required=True)
    parser.add_argument("--weight", type=float, required=True)
    args = parser.parse_args()
    rng = random.Random("%s/%d" % (args.kind, args.peer))
    update = numpy_update(rng, args.peer) if args.kind == "numpy" else state_dict_update(rng, args.peer)
    client = SecAggClient(data_dir=args.data_dir, api=args.api, backoff=0.2)
    result = client.aggregate(args.session, update, weight=args.weight, timeout=120)
    print(json.dumps({"input": floats(update), "mean": floats(result.mean), "structure": described(result.mean), **result.summary()}))


if __name__ == "__main__":
    main()
