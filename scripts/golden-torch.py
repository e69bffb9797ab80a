#!/usr/bin/python3
"""Regenerates the PyTorch golden files in tests/SimdSoftmax.Tests/Golden/.

    /usr/bin/python3 scripts/golden-torch.py        # Debian: apt-get install python3-torch (1.13.1)

CI never runs this: the JSON files it writes are committed, and the tests read them. Inputs are float32 values
(what the library gets); every expected value is computed by PyTorch in float64 from those inputs, so the files
hold the exact semantics of PyTorch's functions without float32 rounding of their own.

Files (each case records its options; NaN and infinities are written as the strings "NaN", "Infinity", "-Infinity"):
  ce-hard.json        F.cross_entropy on logits with integer labels: weight, ignore_index, label_smoothing, reductions
  ce-hard-1000.json   the same at 1000 classes (one and two rows)
  ce-soft-1000.json   probability targets at 1000 classes (one row)
  ce-soft.json        F.cross_entropy with probability targets (rows need not sum to 1), weight, label_smoothing
  linear.json         F.linear + F.cross_entropy: gradients for X, W (D×C and C×D) and the bias

Z-loss is not in F.cross_entropy: each case adds z_loss·lse² per counted row in torch (as Liger's lse_square_scale),
reduced over counted rows (mean: ÷ the count of non-ignored rows, N for soft targets), gradient by autograd.
Every case has: loss_mean, loss_sum, loss_none (per row), grad_mean, grad_sum (the gradient of loss_sum, which
is also each row's gradient of its own loss_none entry), lse and argmax per row, and "denominator" (the mean's
divisor of the cross-entropy term: Σ w[y_i] over non-ignored rows, or their count, or N for soft targets).
Where that divisor is 0 PyTorch's mean is NaN; such cases also carry simdsoftmax_loss_mean and simdsoftmax_grad_mean,
the library's documented definition (cross-entropy term 0, z-loss term kept), computed by torch.
"""
import json
import math
import os
import subprocess

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "SimdSoftmax.Tests", "Golden")


def torch_version():
    try:
        deb = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-torch"], capture_output=True, text=True).stdout
    except OSError:
        deb = ""
    return f"{torch.__version__} (Debian python3-torch {deb})" if deb else torch.__version__


def num(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return float(f"{v:.9g}")


def f32list(a):
    # float32 inputs written with the shortest text that round-trips to the same float32
    out = []
    for v in np.asarray(a, dtype=np.float32).ravel():
        if np.isnan(v):
            out.append("NaN")
        elif np.isinf(v):
            out.append("Infinity" if v > 0 else "-Infinity")
        else:
            out.append(float(np.format_float_positional(v, unique=True, trim="-")) if abs(v) < 1e6 and (v == 0 or abs(v) > 1e-4)
                       else float(np.format_float_scientific(v, unique=True, trim="-")))
    return out


def dlist(t):
    return [num(v) for v in t.detach().reshape(-1).tolist()]


def logits32(rng, n, c, scale=4.0):
    # multiples of 1/64: short text, exact in float32
    return (np.round(rng.uniform(-scale, scale, size=(n, c)) * 64) / 64).astype(np.float32)


def ce_terms(s, labels, targets, weight, ignore_index, eps, z, reduction):
    """F.cross_entropy plus the z-loss term, in float64."""
    kw = {"weight": weight, "reduction": reduction, "label_smoothing": eps}
    lse = torch.logsumexp(s, dim=1)
    if targets is None:
        if ignore_index is not None:
            kw["ignore_index"] = ignore_index
            counted = labels != ignore_index
        else:
            counted = torch.ones_like(labels, dtype=torch.bool)
        ce = F.cross_entropy(s, labels, **kw)
    else:
        counted = torch.ones(s.shape[0], dtype=torch.bool)
        ce = F.cross_entropy(s, targets, **kw)
    zrow = torch.where(counted, z * lse * lse, torch.zeros_like(lse))
    if reduction == "none":
        return ce + zrow if z != 0 else ce
    if reduction == "sum":
        return ce + zrow.sum() if z != 0 else ce
    cnt = int(counted.sum())
    return ce + (zrow.sum() / cnt if cnt > 0 else zrow.sum() * float("nan")) if z != 0 else ce


def mean_divisor_is_zero(labels, weight, ignore_index, targets):
    if targets is not None:
        return False
    counted = [int(v) for v in labels if ignore_index is None or int(v) != ignore_index]
    return sum(float(np.float32(weight[v])) for v in counted) == 0 if weight is not None else len(counted) == 0


def ce_case(name, logits, labels=None, targets=None, weight=None, ignore_index=None, eps=0.0, z=0.0):
    n, c = logits.shape
    w64 = None if weight is None else torch.tensor(np.asarray(weight, np.float32), dtype=torch.float64)
    y = None if labels is None else torch.tensor(labels, dtype=torch.long)
    t = None if targets is None else torch.tensor(np.asarray(targets, np.float32), dtype=torch.float64)
    case = {"name": name, "n": n, "c": c, "logits": f32list(logits)}
    if labels is not None:
        case["labels"] = [int(v) for v in labels]
    else:
        case["targets"] = f32list(targets)
    case.update({"weights": None if weight is None else f32list(weight), "ignore_index": ignore_index,
                 "label_smoothing": eps, "z_loss": z})
    for red in ("mean", "sum", "none"):
        s = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        loss = ce_terms(s, y, t, w64, ignore_index, eps, z, red)
        if red == "none":
            case["loss_none"] = dlist(loss)
        else:
            loss.backward()
            case[f"loss_{red}"] = num(loss)
            case[f"grad_{red}"] = dlist(s.grad)
    if mean_divisor_is_zero(labels, weight, ignore_index, targets):
        # PyTorch's mean is 0/0 = NaN here; SimdSoftmax defines the cross-entropy term as 0 (zero gradient) and keeps
        # the z-loss term: its documented values, computed here so that the test does not re-derive them.
        s = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        lse = torch.logsumexp(s, dim=1)
        counted = torch.tensor([ignore_index is None or int(v) != ignore_index for v in labels])
        cnt = int(counted.sum())
        loss = (torch.where(counted, z * lse * lse, torch.zeros_like(lse)).sum() / cnt) if cnt > 0 and z != 0 else (s * 0).sum()
        loss.backward()
        case["simdsoftmax_loss_mean"] = num(loss)
        case["simdsoftmax_grad_mean"] = dlist(s.grad)
    s = torch.tensor(logits, dtype=torch.float64)
    case["lse"] = dlist(torch.logsumexp(s, dim=1))
    case["argmax"] = [int(v) for v in torch.argmax(s, dim=1).tolist()] if c > 0 else []
    if targets is not None:
        case["denominator"] = n
    else:
        counted = [i for i in range(n) if ignore_index is None or labels[i] != ignore_index]
        case["denominator"] = num(sum(float(np.float32(weight[labels[i]])) for i in counted)) if weight is not None else len(counted)
    return case


def hard_cases():
    rng = np.random.default_rng(16)
    cases = []
    for c in (1, 2, 10, 17, 64):
        n = 4 if c < 64 else 2
        s = logits32(rng, n, c)
        y = rng.integers(0, c, size=n)
        w = (np.round(rng.uniform(0, 2, size=c) * 16) / 16).astype(np.float32)
        if c > 2:
            w[int(y[0]) if int(y[0]) != int(y[1]) else (int(y[0]) + 1) % c] = 0  # a zero weight on a used label
        yi = y.copy()
        yi[n // 2] = -100
        cases.append(ce_case(f"plain c={c}", s, y))
        cases.append(ce_case(f"weights c={c}", s, y, weight=w))
        cases.append(ce_case(f"ignore c={c}", s, yi, ignore_index=-100))
        cases.append(ce_case(f"smoothing c={c}", s, y, eps=0.1))
        cases.append(ce_case(f"zloss c={c}", s, y, z=1e-2))
        cases.append(ce_case(f"weights+ignore+smoothing c={c}", s, yi, weight=w, ignore_index=-100, eps=0.25))
        cases.append(ce_case(f"all options c={c}", s, yi, weight=w, ignore_index=-100, eps=0.05, z=1e-3))
        cases.append(ce_case(f"smoothing 1 c={c}", s, y, weight=w, eps=1.0))
    # a non-default ignore index that is a valid class number: those rows are skipped
    s = logits32(rng, 6, 10)
    y = np.array([3, 1, 3, 0, 9, 3])
    cases.append(ce_case("ignore a class index c=10", s, y, ignore_index=3, eps=0.1))
    # special values
    big = (rng.uniform(-1, 1, size=(4, 10)) * 1e30).astype(np.float32)
    yb = rng.integers(0, 10, size=4)
    cases.append(ce_case("huge logits", big, yb))
    cases.append(ce_case("huge logits weights smoothing", big, yb, weight=np.linspace(0.5, 2, 10, dtype=np.float32), eps=0.1))
    ni = logits32(rng, 4, 10)
    ni[0, 3] = ni[1, 0] = ni[1, 9] = ni[3, 5] = -np.inf
    yn = np.array([2, 4, 7, 5])  # row 3's own label is at −∞: its loss is +∞
    cases.append(ce_case("-inf entries", ni[:3], yn[:3]))
    cases.append(ce_case("-inf entries smoothing", ni[:3], yn[:3], eps=0.1))
    cases.append(ce_case("-inf at the label", ni, yn, eps=0.0))
    s = logits32(rng, 4, 10)
    cases.append(ce_case("all rows ignored", s, np.full(4, -100), ignore_index=-100, eps=0.1))
    w0 = np.ones(10, np.float32)
    y0 = np.array([1, 1, 2, 1])
    w0[[1, 2]] = 0
    cases.append(ce_case("weight sum 0", s, y0, weight=w0))
    cases.append(ce_case("weight sum 0 smoothing", s, y0, weight=w0, eps=0.2))
    return cases


def long_cases():
    rng = np.random.default_rng(1000)
    s = logits32(rng, 2, 1000, scale=8.0)
    y = np.array([17, 999])
    w = (np.round(rng.uniform(0, 2, size=1000) * 16) / 16).astype(np.float32)
    return [ce_case("plain c=1000", s[:1], y[:1]),
            ce_case("all options c=1000", s, np.array([17, -100]), weight=w, ignore_index=-100, eps=0.1, z=1e-3)]


def long_soft_cases():
    rng = np.random.default_rng(1001)
    s = logits32(rng, 1, 1000, scale=8.0)
    w = (np.round(rng.uniform(0, 2, size=1000) * 16) / 16).astype(np.float32)
    return [ce_case("soft all options c=1000", s, targets=soft_targets(rng, 1, 1000), weight=w, eps=0.1, z=1e-3)]


def soft_targets(rng, n, c):
    t = rng.uniform(0, 1, size=(n, c)).astype(np.float32)
    if c >= 3:
        t[:, :: c // 3] = 0  # some zero targets
    return (t / t.sum(axis=1, keepdims=True) * (1.0 if n < 3 else np.float32(rng.uniform(0.5, 1.5)))).astype(np.float32)


def soft_cases():
    rng = np.random.default_rng(17)
    cases = []
    for c in (1, 2, 10, 17, 64):
        n = 4 if c < 64 else 2
        s = logits32(rng, n, c)
        t = soft_targets(rng, n, c)
        w = (np.round(rng.uniform(0, 2, size=c) * 16) / 16).astype(np.float32)
        cases.append(ce_case(f"soft c={c}", s, targets=t))
        cases.append(ce_case(f"soft weights c={c}", s, targets=t, weight=w))
        cases.append(ce_case(f"soft smoothing c={c}", s, targets=t, eps=0.2))
        cases.append(ce_case(f"soft all options c={c}", s, targets=t, weight=w, eps=0.1, z=1e-2))
    big = (rng.uniform(-1, 1, size=(3, 10)) * 1e30).astype(np.float32)
    cases.append(ce_case("soft huge logits", big, targets=soft_targets(rng, 3, 10), eps=0.1))
    return cases


def linear_case(name, n, d, c, rng, bias=True, weight=None, ignore_index=None, eps=0.0, z=0.0, reg=0.0, soft=False):
    x = logits32(rng, n, d, scale=1.0)
    wdc = logits32(rng, d, c, scale=0.5)
    b = logits32(rng, 1, c, scale=0.5)[0] if bias else None
    y = rng.integers(0, c, size=n)
    if ignore_index is not None:
        y[n // 3] = ignore_index
    t = soft_targets(rng, n, c) if soft else None
    w64 = None if weight is None else torch.tensor(np.asarray(weight, np.float32), dtype=torch.float64)
    case = {"name": name, "n": n, "d": d, "c": c, "x": f32list(x), "w_dxc": f32list(wdc),
            "b": None if b is None else f32list(b)}
    if soft:
        case["targets"] = f32list(t)
    else:
        case["labels"] = [int(v) for v in y]
    case.update({"weights": None if weight is None else f32list(weight), "ignore_index": ignore_index,
                 "label_smoothing": eps, "z_loss": z, "reg": reg})
    yt = None if soft else torch.tensor(y, dtype=torch.long)
    tt = None if not soft else torch.tensor(t, dtype=torch.float64)
    for red in ("mean", "sum", "none"):
        for layout in ("dxc", "cxd"):
            X = torch.tensor(x, dtype=torch.float64, requires_grad=True)
            Wdc = torch.tensor(wdc, dtype=torch.float64)
            W = (Wdc if layout == "dxc" else Wdc.t().contiguous()).requires_grad_(True)
            B = None if b is None else torch.tensor(b, dtype=torch.float64, requires_grad=True)
            s = X @ W + (B if B is not None else 0) if layout == "dxc" else F.linear(X, W, B)
            loss = ce_terms(s, yt, tt, w64, ignore_index, eps, z, red)
            if red == "none":
                if layout == "dxc":
                    case["loss_none"] = dlist(loss)
                continue
            loss = loss + 0.5 * reg * (W * W).sum()
            loss.backward()
            if layout == "dxc":
                case[f"loss_{red}"] = num(loss)
                case[f"dx_{red}"] = dlist(X.grad)
                case[f"db_{red}"] = None if B is None else dlist(B.grad)
            case[f"dw_{layout}_{red}"] = dlist(W.grad)
    return case


def linear_cases():
    rng = np.random.default_rng(1717)
    w10 = (np.round(rng.uniform(0, 2, size=10) * 16) / 16).astype(np.float32)
    w10[4] = 0
    return [
        linear_case("linear plain 5x7x3", 5, 7, 3, rng),
        linear_case("linear plain no bias 4x3x2", 4, 3, 2, rng, bias=False),
        linear_case("linear reg 6x5x4", 6, 5, 4, rng, reg=0.1),
        linear_case("linear all options 9x10x10", 9, 10, 10, rng, weight=w10, ignore_index=-100, eps=0.1, z=1e-2, reg=0.05),
        linear_case("linear soft 6x8x10", 6, 8, 10, rng, weight=w10, eps=0.1, soft=True),
        linear_case("linear c=1 3x4x1", 3, 4, 1, rng),
        linear_case("linear d=1 4x1x5", 4, 1, 5, rng, eps=0.2),
        linear_case("linear 1x16x17", 1, 16, 17, rng, z=1e-3),
        linear_case("linear soft z-loss reg no bias 5x6x17", 5, 6, 17, rng, bias=False, z=1e-2, reg=0.05, soft=True),
        linear_case("linear soft c=1 3x4x1", 3, 4, 1, rng, soft=True),
    ]


def write(name, cases):
    doc = {"generator": "scripts/golden-torch.py", "torch": torch_version(),
           "precision": "inputs float32; expected values computed by torch in float64", "cases": cases}
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"{path}: {len(cases)} cases, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write("ce-hard.json", hard_cases())
    write("ce-hard-1000.json", long_cases())
    write("ce-soft.json", soft_cases())
    write("ce-soft-1000.json", long_soft_cases())
    write("linear.json", linear_cases())
