"""python3 -m secagg_client: aggregate an update stored in a file, from the shell.

    python3 -m secagg_client --session mnist --file update.npy --weight 600 --out mean.npy

The update is a .npy file (float32 or float64, any shape) or raw little-endian float32. Prints the
round's summary as one JSON line (with the mean under --print-mean); --out writes the mean (.npy in
the update's shape, else raw float32).
"""
import argparse
import json
import sys

from .client import SecAggClient
from .errors import SecAggError
from .npy import is_npy, read_npy, write_npy
from .updates import floats_at, le_bytes


def read_update(path):
    """The update in a file, as array.array('f'), and its shape; ValueError naming what is wrong."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as err:
        raise ValueError("cannot read %s: %s" % (path, err.strerror)) from None
    if is_npy(data):
        return read_npy(data, path)
    if len(data) % 4 != 0:
        raise ValueError("%s is neither .npy nor raw float32 (%d bytes, not a multiple of 4)" % (path, len(data)))
    values = floats_at(data)
    return values, (len(values),)


def write_mean(path, mean, shape):
    data = write_npy(mean, shape) if path.endswith(".npy") else le_bytes(mean)
    with open(path, "wb") as f:
        f.write(data)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m secagg_client", description=__doc__.split("\n")[0])
    parser.add_argument("--session", required=True, help="the session's name or id")
    parser.add_argument("--file", required=True, help="the update: .npy, or raw little-endian float32")
    parser.add_argument("--weight", type=float, help="the update's weight, such as its sample count")
    parser.add_argument("--data-dir", help="the daemon's data directory (default $SECAGG_NODE_DATA_DIR, else ~/.secagg)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the round (default 600)")
    parser.add_argument("--out", help="write the mean here: .npy in the update's shape, else raw float32")
    parser.add_argument("--print-mean", action="store_true", help="print the mean too, as a JSON list (for small updates)")
    args = parser.parse_args(argv)
    try:
        update, shape = read_update(args.file)
    except ValueError as err:
        print("secagg: %s" % err, file=sys.stderr)
        return 2
    try:
        result = SecAggClient(data_dir=args.data_dir).aggregate(args.session, update, args.weight, args.timeout)
        if args.out:
            write_mean(args.out, result.mean, shape)
    except (SecAggError, OSError) as err:
        print("secagg: %s" % err, file=sys.stderr)
        return 1
    summary = result.summary()
    if args.print_mean:
        summary["mean"] = result.mean.tolist()
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
