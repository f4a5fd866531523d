#!/usr/bin/env python3
"""Python PyTorch side of the GPU check's GPT benchmark (bench/gpu/gpu_gpt_throughput.cpp).

The engine's GptModel (engine/models/gpt_model.cpp) as a PyTorch user writes it, on any
device: token + position embeddings, pre-LayerNorm blocks with GPT-2 Conv1D projections
(y = x W + b, W [in, out]), GPT-2's "gelu_new" written out with the same tanh/mul ops as
the engine, ln_f and the tied output head. Attention is the kernel the engine uses on this
LibTorch, named by the C++ side: "sdpa" (F.scaled_dot_product_attention, causal) or "math"
(matmul / masked_fill / softmax, the only path on 1.13). With precision bf16 on CUDA the
forward pass runs under torch.autocast(bfloat16) and returns fp32 logits, as the engine's
does; weights, gradients and AdamW stay fp32. Eager mode: no torch.compile.

The initial weights (Hugging Face GPT-2 names) and the token batch come from the
safetensors file the C++ side writes, so both sides start identical and their first-step
losses agree (to bf16 rounding under bf16).

Training step, as a user writes it: optimizer.zero_grad(), F.cross_entropy over the
flattened logits, backward, torch.optim.AdamW(lr, weight_decay) with its defaults (the
multi-tensor "foreach" implementation on CUDA). No loss.item() per step: the loss is read
once at the end of a timed block, which synchronises the device.

Driven over stdin/stdout by the C++ benchmark (bench/python_reference.cpp). One line each:
  -> ready <torch version>
  <- setup <file> <n_head> <lr> <weight_decay> <device> <precision> <attention>
                                               -> ok <loss of a first step>
  <- run <steps>                               -> ok <seconds> <last loss>
  <- phases <steps>                            -> ok <forward+backward s> <optimizer s>
  <- quit
Errors answer "error <message>". Usage: gpt_gpu_reference.py <threads>
"""

import json
import math
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F64": torch.float64, "BF16": torch.bfloat16,
          "F16": torch.float16, "I64": torch.int64, "I32": torch.int32}


def load_safetensors(path):
    """8-byte little-endian header length, JSON header, then the raw tensor bytes."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = bytearray(f.read())
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        dtype = DTYPES[entry["dtype"]]
        count = (end - begin) // torch.tensor([], dtype=dtype).element_size()
        t = torch.frombuffer(data, dtype=dtype, count=count, offset=begin) if count else \
            torch.empty(0, dtype=dtype)
        out[name] = t.reshape(entry["shape"]).clone()
    return out


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


class Conv1D(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return x.matmul(self.weight) + self.bias


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)))


def causal_attention(q, k, v, kind):
    if kind == "sdpa":
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)
    T, D = q.shape[-2], q.shape[-1]
    att = q.matmul(k.transpose(-2, -1)) / math.sqrt(D)
    future = torch.ones(T, T, dtype=torch.bool, device=q.device).triu(1)
    att = torch.softmax(att.masked_fill(future, float("-inf")), -1)
    return att.matmul(v)


class Attention(nn.Module):
    def __init__(self, n_embd, n_head, kind):
        super().__init__()
        self.n_head = n_head
        self.kind = kind
        self.c_attn = Conv1D(n_embd, 3 * n_embd)
        self.c_proj = Conv1D(n_embd, n_embd)

    def forward(self, x):
        B, T, C = x.shape
        H, D = self.n_head, C // self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.reshape(B, T, H, D).transpose(1, 2) for t in (q, k, v))
        y = causal_attention(q, k, v, self.kind).transpose(1, 2).reshape(B, T, C)
        return self.c_proj(y)


class Mlp(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.c_fc = Conv1D(n_embd, 4 * n_embd)
        self.c_proj = Conv1D(4 * n_embd, n_embd)

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, kind):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd, eps=1e-5)
        self.attn = Attention(n_embd, n_head, kind)
        self.ln_2 = nn.LayerNorm(n_embd, eps=1e-5)
        self.mlp = Mlp(n_embd)

    def forward(self, x):
        h = x + self.attn(self.ln_1(x))
        return h + self.mlp(self.ln_2(h))


class Gpt(nn.Module):
    def __init__(self, tensors, n_head, kind, bf16):
        super().__init__()
        vocab, n_embd = tensors["wte.weight"].shape
        n_positions = tensors["wpe.weight"].shape[0]
        n_layer = 1 + max(int(k.split(".")[1]) for k in tensors if k.startswith("h."))
        self.bf16 = bf16
        self.wte = nn.Embedding(vocab, n_embd)
        self.wpe = nn.Embedding(n_positions, n_embd)
        self.h = nn.ModuleList(Block(n_embd, n_head, kind) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(n_embd, eps=1e-5)
        self.load_state_dict({k: v for k, v in tensors.items() if k in self.state_dict()})

    def forward(self, idx):
        if not self.bf16:
            return self._forward(idx)
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16):
            return self._forward(idx).float()

    def _forward(self, idx):
        pos = torch.arange(idx.shape[1], dtype=torch.long, device=idx.device)
        h = self.wte(idx) + self.wpe(pos)
        for block in self.h:
            h = block(h)
        h = self.ln_f(h)
        return h.matmul(self.wte.weight.t())  # tied output head


class Reference:
    def __init__(self, path, n_head, lr, weight_decay, device, precision, kind):
        self.device = torch.device(device)
        if kind == "sdpa" and not hasattr(F, "scaled_dot_product_attention"):
            raise RuntimeError("torch %s has no F.scaled_dot_product_attention"
                               % torch.__version__)
        if self.device.type == "cuda":
            torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
            torch.backends.cudnn.allow_tf32 = precision == "tf32"
        bf16 = precision == "bf16" and self.device.type == "cuda"
        tensors = load_safetensors(path)
        tokens = tensors.pop("tokens")  # [B, T + 1]
        self.x = tokens[:, :-1].contiguous().to(self.device)
        self.y = tokens[:, 1:].contiguous().to(self.device)
        self.model = Gpt(tensors, n_head, kind, bf16).to(self.device)
        del tensors
        self.model.train()
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=lr,
                                           weight_decay=weight_decay)

    def forward_backward(self):
        self.optimizer.zero_grad()
        logits = self.model(self.x)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), self.y.reshape(-1))
        loss.backward()
        return loss

    def step(self):
        loss = self.forward_backward()
        self.optimizer.step()
        return loss

    def run(self, steps):
        step = self.step
        synchronize(self.device)
        t0 = time.perf_counter()
        loss = None
        for _ in range(steps):
            loss = step()
        last = loss.item()  # waits for the device
        return time.perf_counter() - t0, last

    def phases(self, steps):
        synchronize(self.device)
        t0 = time.perf_counter()
        for _ in range(steps):
            self.forward_backward()
        synchronize(self.device)
        t1 = time.perf_counter()
        for _ in range(steps):
            self.optimizer.step()
        synchronize(self.device)
        return t1 - t0, time.perf_counter() - t1


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
                ref = Reference(words[1], int(words[2]), float(words[3]), float(words[4]),
                                words[5], words[6], words[7])
                answer("ok %.9g" % ref.step().item())
            elif words[0] == "run":
                seconds, loss = ref.run(int(words[1]))
                answer("ok %.9g %.9g" % (seconds, loss))
            elif words[0] == "phases":
                answer("ok %.9g %.9g" % ref.phases(int(words[1])))
            else:
                answer("error unknown command " + words[0])
        except Exception as e:  # report, keep serving: the C++ side decides what to do
            answer("error %s: %s" % (type(e).__name__, str(e).replace("\n", " ")))


if __name__ == "__main__":
    main()
