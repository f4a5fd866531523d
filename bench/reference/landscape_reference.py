#!/usr/bin/env python3
"""Python PyTorch reference for the 2-D loss-landscape benchmark (bench/bench_landscape.cpp).

The same work as ForgetLab's 2-D slice, written the way a PyTorch user would: an MLP
784-256-256-10, two filter-normalized random directions, and for every point of a grid x
grid plane over [-1, 1]^2 the weights set to w + a d1 + b d2 and the cross-entropy loss and
accuracy evaluated on an upstream and a downstream batch of `subset` examples.
Prints the seconds the grid took (start-up and set-up excluded).
Usage: landscape_reference.py THREADS GRID SUBSET
"""

import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def direction(weights, gen):
    d = []
    for w in weights:
        if w.dim() <= 1:
            d.append(torch.zeros_like(w))
            continue
        r = torch.randn(w.shape, generator=gen)
        shape = [w.shape[0]] + [1] * (w.dim() - 1)
        wn = w.reshape(w.shape[0], -1).norm(dim=1).reshape(shape)
        rn = r.reshape(w.shape[0], -1).norm(dim=1).reshape(shape)
        d.append(r * (wn / (rn + 1e-10)))
    return d


def main():
    threads, grid, subset = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                          nn.Linear(256, 10)).eval()
    xu, yu = torch.randn(subset, 784), torch.randint(0, 10, (subset,))
    xd, yd = torch.randn(subset, 784), torch.randint(0, 10, (subset,))
    params = list(model.parameters())
    w = [p.detach().clone() for p in params]
    gen = torch.Generator().manual_seed(1)
    d1, d2 = direction(w, gen), direction(w, gen)
    axis = [-1 + 2 * i / (grid - 1) for i in range(grid)]
    out = []
    t0 = time.perf_counter()
    with torch.no_grad():
        for b in axis:
            for a in axis:
                for p, w0, e1, e2 in zip(params, w, d1, d2):
                    p.copy_(w0 + a * e1 + b * e2)
                for x, y in ((xu, yu), (xd, yd)):
                    logits = model(x)
                    out.append((F.cross_entropy(logits, y).item(),
                                (logits.argmax(-1) == y).float().mean().item()))
    print(f"{time.perf_counter() - t0:.6f}")


if __name__ == "__main__":
    main()
