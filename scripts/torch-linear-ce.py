#!/usr/bin/env python3
"""PyTorch anchor for LinearCrossEntropy: F.linear + F.cross_entropy + backward (loss, dW, db, dX), eager, float32,
torch.set_num_threads(1) (or the count given). Prints the median time and GFLOPS counting 6*N*D*C. With one thread
the time is the process's CPU time (every thread's, so a BLAS pool could not hide work; a shared machine's preemption
is not counted), as linear-ce-bench.cs and compare count one thread; with more threads, wall time.
Usage: python3 scripts/torch-linear-ce.py [--threads T] [--reps R] [NxDxC ...]   (Debian python3-torch 1.13; issue 17's
third shape, 1024x2048x128000, needs ~5 GB: W, dW and the logits with their gradient. Without torch: a message, exit 0.)"""
import argparse
import os
import sys
import time

if "--threads" not in sys.argv or sys.argv[sys.argv.index("--threads") + 1] == "1":
    # Debian's torch calls OpenBLAS, whose own thread pool ignores torch.set_num_threads: pin it before the import.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    # An optional outside anchor, as OpenBLAS is: absent torch is a skip, not a failure.
    print("torch-linear-ce: PyTorch is not installed (Debian: apt-get install python3-torch); skipped.")
    sys.exit(0)

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=1)
p.add_argument("--reps", type=int, default=3)
p.add_argument("shapes", nargs="*", default=["4096x512x1000", "2048x1024x32000"])
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)
print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), backend: {torch.backends.mkldnn.is_available() and 'mkldnn' or ''}")
print("| N×D×C | threads | torch ms | GFLOPS |")
print("|---|---|---|---|")
for shape in a.shapes:
    n, d, c = (int(v) for v in shape.split("x"))
    x = (torch.rand(n, d) * 2 - 1).requires_grad_(True)
    w = ((torch.rand(c, d) * 2 - 1) * 0.05).requires_grad_(True)
    b = (torch.rand(c) - 0.5).requires_grad_(True)
    y = torch.randint(0, c, (n,))
    times = []
    for r in range(a.reps + 1):  # the first call warms up and is not timed
        x.grad = w.grad = b.grad = None
        clock = time.process_time if a.threads == 1 else time.perf_counter
        t = clock()
        loss = F.cross_entropy(F.linear(x, w, b), y)
        loss.backward()
        dt = clock() - t
        if r > 0:
            times.append(dt)
    times.sort()
    ms = times[len(times) // 2] * 1e3
    print(f"| {shape} | {a.threads} | {ms:.1f} | {6.0 * n * d * c / ms / 1e6:.1f} |")
