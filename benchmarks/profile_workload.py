"""Profile our side of a `course bench` workload: where does a training step spend its time?

Run: python benchmarks/profile_workload.py cnn [--steps 50] [--top 25] [--device cuda] [--scale 16]
Timing against torch is `course bench`'s job; this shows cProfile's view of our step.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

import course
from course import backend
from course.bench import workloads as W


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workload", choices=sorted(W.TRAINING))
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--scale", type=int, default=1, help="multiply the batch size by this")
    args = parser.parse_args()
    course.keep_freed_memory()  # as `course bench` does: course/allocator.py
    step = W.TRAINING[args.workload](args.device, args.scale).ours
    for _ in range(5):  # warm-up: allocator, BLAS threads, caches, CUDA kernel compiles
        step()
    backend.synchronize(args.device)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.steps):
        step()
    backend.synchronize(args.device)  # on a GPU, queued work counts too
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
