"""Time the course's reference workloads (mlp, cnn, lstm) with our layers and with torch.

Run: PYTHONPATH=$PWD python benchmarks/layers_speed.py [--profile mlp|cnn|lstm]
Same process, identical weights, torch.set_num_threads(2), warm-up, median of >= 20 steps.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

import numpy as np
import torch

import course
import course.functional as F  # noqa: N812 - PyTorch's convention
from course import nn, optim

torch.set_num_threads(2)


def median_ms(step, repeats=30, warmup=5) -> float:
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return float(np.median(times) * 1e3)


def build(name):
    rng = np.random.default_rng(0)
    tnn = torch.nn
    if name == "mlp":
        ours = nn.Sequential(
            nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
        )
        theirs = tnn.Sequential(
            tnn.Linear(784, 256), tnn.ReLU(), tnn.Linear(256, 256), tnn.ReLU(), tnn.Linear(256, 10)
        )
        x = rng.standard_normal((128, 784), dtype=np.float32)
        y = rng.integers(0, 10, 128)
    elif name == "cnn":
        ours = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(1568, 10),
        )
        theirs = tnn.Sequential(
            tnn.Conv2d(1, 16, 3, padding=1),
            tnn.ReLU(),
            tnn.MaxPool2d(2),
            tnn.Conv2d(16, 32, 3, padding=1),
            tnn.ReLU(),
            tnn.MaxPool2d(2),
            tnn.Flatten(),
            tnn.Linear(1568, 10),
        )
        x = rng.standard_normal((64, 1, 28, 28), dtype=np.float32)
        y = rng.integers(0, 10, 64)
    else:

        class Ours(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm, self.fc = nn.LSTM(64, 128), nn.Linear(128, 10)

            def forward(self, x):
                _, (h, _) = self.lstm(x)
                return self.fc(h[-1])

        class Theirs(tnn.Module):
            def __init__(self):
                super().__init__()
                self.lstm, self.fc = tnn.LSTM(64, 128), tnn.Linear(128, 10)

            def forward(self, x):
                _, (h, _) = self.lstm(x)
                return self.fc(h[-1])

        ours, theirs = Ours(), Theirs()
        x = rng.standard_normal((32, 32, 64), dtype=np.float32)
        y = rng.integers(0, 10, 32)
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs, x, y


def steps(name):
    ours, theirs, x, y = build(name)
    xo, yo = course.tensor(x), course.tensor(y)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    opt_o = optim.SGD(ours.parameters(), lr=0.01)
    opt_t = torch.optim.SGD(theirs.parameters(), lr=0.01)

    def step_ours():
        opt_o.zero_grad()
        loss = F.cross_entropy(ours(xo), yo)
        loss.backward()
        opt_o.step()

    def step_torch():
        opt_t.zero_grad()
        loss = torch.nn.functional.cross_entropy(theirs(xt), yt)
        loss.backward()
        opt_t.step()

    return step_ours, step_torch


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile")
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args()
    if args.profile:
        step, _ = steps(args.profile)
        median_ms(step, 3)
        pr = cProfile.Profile()
        pr.enable()
        for _ in range(30):
            step()
        pr.disable()
        pstats.Stats(pr).sort_stats("tottime").print_stats(20)
        return
    print(f"{'workload':8} {'ours ms':>9} {'torch ms':>9} {'ratio':>6}")
    for name in ("mlp", "cnn", "lstm"):
        so, st = steps(name)
        ours, theirs = [], []
        for _ in range(3):  # interleave so drifts in machine load hit both sides
            ours.append(median_ms(so, args.repeats // 3 + 7))
            theirs.append(median_ms(st, args.repeats // 3 + 7))
        o, t = float(np.median(ours)), float(np.median(theirs))
        print(f"{name:8} {o:9.2f} {t:9.2f} {o / t:6.2f}")


if __name__ == "__main__":
    main()
