#!/usr/bin/env python3
"""Python PyTorch reference for ForgetLab's GPT benchmark (bench/bench_gpt.cpp, rows 11, 11b).

The engine's GptModel (engine/models/gpt_model.cpp) written the way a PyTorch user would write
GPT-2: token + position embeddings, pre-LayerNorm blocks with Conv1D projections
(y = x W + b, W [in, out]), attention as plain matmul / masked_fill / softmax (no fused
kernel, as in the engine), GPT-2's "gelu_new" written out with the same ops, ln_f and the
tied output head. Parameter names are Hugging Face GPT-2's, so the initial weights and the
token batch come from the safetensors file the C++ side writes: both sides start from
identical weights and data, and their first-step losses agree.

Row 11: training step on the fixed batch: zero_grad, F.cross_entropy over the flattened
logits, backward, torch.optim.AdamW step and loss.item() every step.
Row 11b: greedy generation without a KV cache, the algorithm of GptModel::generate: for
each new token a full forward pass over the context cropped to n_positions, argmax of the
last position's logits (as float64).

It is a worker driven over stdin/stdout by the C++ benchmark (bench/python_reference.cpp).
Protocol, one line each:
  -> ready <torch version>
  <- setup <file> <n_head> <lr> <weight_decay>   -> ok <loss of a first step>
  <- run <steps>                                 -> ok <seconds> <last loss>
  <- generate <prompt len> <new tokens> <count>  -> ok <seconds> <tokens of the last one>
  <- quit
Errors answer "error <message>". Usage: gpt_reference.py <threads>
"""

import json
import math
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32}


def load_safetensors(path):
    """A minimal safetensors reader: 8-byte little-endian header length, JSON header, data."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = memoryview(raw)[8 + n:]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=DTYPES[entry["dtype"]])
        out[name] = t.reshape(entry["shape"])
    return out


class Conv1D(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return x.matmul(self.weight) + self.bias


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)))


class Attention(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.n_head = n_head
        self.c_attn = Conv1D(n_embd, 3 * n_embd)
        self.c_proj = Conv1D(n_embd, n_embd)

    def forward(self, x):
        B, T, C = x.shape
        H, D = self.n_head, C // self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.reshape(B, T, H, D).transpose(1, 2) for t in (q, k, v))
        att = q.matmul(k.transpose(-2, -1)) / math.sqrt(D)
        future = torch.ones(T, T, dtype=torch.bool).triu(1)
        att = torch.softmax(att.masked_fill(future, float("-inf")), -1)
        y = att.matmul(v).transpose(1, 2).reshape(B, T, C)
        return self.c_proj(y)


class Mlp(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.c_fc = Conv1D(n_embd, 4 * n_embd)
        self.c_proj = Conv1D(4 * n_embd, n_embd)

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd, eps=1e-5)
        self.attn = Attention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd, eps=1e-5)
        self.mlp = Mlp(n_embd)

    def forward(self, x):
        h = x + self.attn(self.ln_1(x))
        return h + self.mlp(self.ln_2(h))


class Gpt(nn.Module):
    def __init__(self, tensors, n_head):
        super().__init__()
        vocab, n_embd = tensors["wte.weight"].shape
        n_positions = tensors["wpe.weight"].shape[0]
        n_layer = 1 + max(int(k.split(".")[1]) for k in tensors if k.startswith("h."))
        self.n_positions = n_positions
        self.wte = nn.Embedding(vocab, n_embd)
        self.wpe = nn.Embedding(n_positions, n_embd)
        self.h = nn.ModuleList(Block(n_embd, n_head) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(n_embd, eps=1e-5)
        self.load_state_dict({k: v for k, v in tensors.items() if k in self.state_dict()})

    def forward(self, idx):
        pos = torch.arange(idx.shape[1], dtype=torch.long)
        h = self.wte(idx) + self.wpe(pos)
        for block in self.h:
            h = block(h)
        h = self.ln_f(h)
        return h.matmul(self.wte.weight.t())  # tied output head


class Reference:
    def __init__(self, path, n_head, lr, weight_decay):
        tensors = load_safetensors(path)
        tokens = tensors["tokens"]  # [B, T + 1]
        self.x = tokens[:, :-1].contiguous()
        self.y = tokens[:, 1:].contiguous()
        self.prompt_source = tokens[0].tolist()
        self.model = Gpt(tensors, n_head)
        self.model.train()
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=lr,
                                           weight_decay=weight_decay)
        # Generation uses its own copy of the initial weights (training moves the other).
        self.generator = Gpt(tensors, n_head)
        self.generator.eval()

    def step(self):
        self.optimizer.zero_grad()
        logits = self.model(self.x)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), self.y.reshape(-1))
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def run(self, steps):
        step = self.step
        t0 = time.perf_counter()
        for _ in range(steps):
            loss = step()
        return time.perf_counter() - t0, loss

    def generate_once(self, prompt, new_tokens):
        model, n_positions = self.generator, self.generator.n_positions
        tokens = list(prompt)
        out = []
        with torch.no_grad():
            for _ in range(new_tokens):
                ctx = tokens[-n_positions:]
                logits = model(torch.tensor(ctx, dtype=torch.long).unsqueeze(0))[0, -1].double()
                nxt = int(logits.argmax().item())
                tokens.append(nxt)
                out.append(nxt)
        return out

    def generate(self, prompt_len, new_tokens, count):
        prompt = self.prompt_source[:prompt_len]
        t0 = time.perf_counter()
        for _ in range(count):
            out = self.generate_once(prompt, new_tokens)
        return time.perf_counter() - t0, out


def answer(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main():
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    ref = None
    answer("ready " + torch.__version__)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "quit":
                break
            if words[0] == "setup":
                ref = Reference(words[1], int(words[2]), float(words[3]), float(words[4]))
                answer("ok %.9g" % ref.step())
            elif words[0] == "run":
                seconds, loss = ref.run(int(words[1]))
                answer("ok %.9g %.9g" % (seconds, loss))
            elif words[0] == "generate":
                seconds, out = ref.generate(int(words[1]), int(words[2]), int(words[3]))
                answer("ok %.9g %s" % (seconds, ",".join(str(t) for t in out)))
            else:
                answer("error unknown command " + words[0])
        except Exception as e:  # report, keep serving: the C++ side decides what to do
            answer("error %s: %s" % (type(e).__name__, str(e).replace("\n", " ")))


if __name__ == "__main__":
    main()
