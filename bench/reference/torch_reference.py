#!/usr/bin/env python3
"""Python PyTorch reference for ForgetLab's benchmarks.

The same training step as the engine's Runner, written the way a PyTorch user would:
nn.Linear layers with ReLU, F.cross_entropy, torch.optim.SGD (lr 0.05, momentum 0.9),
zero_grad / forward / backward / step and loss.item() every step, on one fixed batch.
Model and batch are drawn in the same order from the same seed as bench/engine_step.cpp,
so with the same libtorch both sides start from identical weights and data.

It is a worker driven over stdin/stdout by the C++ benchmark (bench/python_reference.cpp),
which alternates engine blocks and Python blocks in one run. Protocol, one line each:
  -> ready <torch version>
  <- setup <id> <sizes, comma separated> <batch> <seed>   -> ok <loss of a first step>
  <- run <id> <steps>                                     -> ok <seconds> <last loss>
  <- quit
Errors answer "error <message>". Usage: torch_reference.py <threads>
"""

import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Reference:
    def __init__(self, sizes, batch, seed):
        torch.manual_seed(seed)
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i + 2 < len(sizes):
                layers.append(nn.ReLU())
        self.model = nn.Sequential(*layers)
        self.model.train()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.05, momentum=0.9)
        inputs, classes = sizes[0], sizes[-1]
        self.x = torch.randn(batch, inputs)
        if inputs == 2 and classes == 2:
            self.y = (self.x[:, 0] * self.x[:, 1] > 0).long()
        else:
            self.y = torch.randint(0, classes, (batch,))

    def step(self):
        self.optimizer.zero_grad()
        loss = F.cross_entropy(self.model(self.x), self.y)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def run(self, steps):
        step = self.step
        t0 = time.perf_counter()
        for _ in range(steps):
            loss = step()
        return time.perf_counter() - t0, loss


def answer(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main():
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    refs = {}
    answer("ready " + torch.__version__)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "quit":
                break
            if words[0] == "setup":
                sizes = [int(s) for s in words[2].split(",")]
                refs[words[1]] = Reference(sizes, int(words[3]), int(words[4]))
                answer("ok %.9g" % refs[words[1]].step())
            elif words[0] == "run":
                seconds, loss = refs[words[1]].run(int(words[2]))
                answer("ok %.9g %.9g" % (seconds, loss))
            else:
                answer("error unknown command " + words[0])
        except Exception as e:  # report, keep serving: the C++ side decides what to do
            answer("error %s: %s" % (type(e).__name__, str(e).replace("\n", " ")))


if __name__ == "__main__":
    main()
