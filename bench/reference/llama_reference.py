#!/usr/bin/env python3
"""Python PyTorch reference for ForgetLab's Llama-family training benchmark (bench/bench_lm.cpp,
row 12).

The engine's DecoderModel for family llama (engine/models/decoder_model.cpp) written from the
formulas, the way a PyTorch user writes Llama: token embedding, pre-RMSNorm blocks (RMSNorm in
float32: x * rsqrt(mean(x^2) + eps) * w), bias-free q/k/v/o projections, rotate-half rotary
embeddings (cos/sin computed in float64 for the step's positions, every forward pass, as the
engine does), grouped-query attention by repeat_interleave when there are fewer key/value heads,
causal attention as plain matmul / masked_fill / softmax (ForgetLab's path on LibTorch 1.13),
a SwiGLU MLP (down(silu(gate(x)) * up(x))), the final RMSNorm and an untied lm_head (or the tied
embedding). Module names are Hugging Face's, so the weights come straight from the
model.safetensors that the C++ side writes with saveHfModel, and the architecture from its
config.json: both sides start from identical weights and data, and their first-step losses
agree.

Row 12: training step on a fixed batch: zero_grad, F.cross_entropy over the flattened logits,
backward, torch.optim.AdamW step and loss.item() every step.

It is a worker driven over stdin/stdout by the C++ benchmark (bench/python_reference.cpp).
Protocol, one line each:
  -> ready <torch version>
  <- setup <model dir> <tokens file> <lr> <weight_decay>   -> ok <loss of a first step>
  <- run <steps>                                           -> ok <seconds> <last loss>
  <- quit
Errors answer "error <message>". Usage: llama_reference.py <threads>
"""

import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32,
          "BF16": torch.bfloat16, "F16": torch.float16}


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


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        xf = x.to(torch.float32)
        y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * y.to(x.dtype)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def rotary(theta, head_dim, T):
    """cos, sin [T, head_dim] for positions 0 .. T - 1, computed in float64."""
    inv = torch.pow(theta, -torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    freqs = torch.outer(torch.arange(T, dtype=torch.float64), inv)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(torch.float32), emb.sin().to(torch.float32)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        E, self.H, self.Hkv, self.D = (cfg["hidden_size"], cfg["heads"], cfg["kv_heads"],
                                       cfg["head_dim"])
        self.q_proj = nn.Linear(E, self.H * self.D, bias=False)
        self.k_proj = nn.Linear(E, self.Hkv * self.D, bias=False)
        self.v_proj = nn.Linear(E, self.Hkv * self.D, bias=False)
        self.o_proj = nn.Linear(self.H * self.D, E, bias=False)

    def forward(self, x, cos, sin):
        B, T, _ = x.shape
        H, Hkv, D = self.H, self.Hkv, self.D
        q = self.q_proj(x).view(B, T, H, D).transpose(1, 2)
        k = self.k_proj(x).view(B, T, Hkv, D).transpose(1, 2)
        v = self.v_proj(x).view(B, T, Hkv, D).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if Hkv < H:
            k = k.repeat_interleave(H // Hkv, 1)
            v = v.repeat_interleave(H // Hkv, 1)
        att = q.matmul(k.transpose(-2, -1)) / math.sqrt(D)
        future = torch.ones(T, T, dtype=torch.bool).triu(1)
        att = torch.softmax(att.masked_fill(future, float("-inf")), -1)
        y = att.matmul(v).transpose(1, 2).reshape(B, T, H * D)
        return self.o_proj(y)


class Mlp(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        E, I = cfg["hidden_size"], cfg["intermediate_size"]
        self.gate_proj = nn.Linear(E, I, bias=False)
        self.up_proj = nn.Linear(E, I, bias=False)
        self.down_proj = nn.Linear(I, E, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg["hidden_size"], cfg["eps"])
        self.self_attn = Attention(cfg)
        self.post_attention_layernorm = RMSNorm(cfg["hidden_size"], cfg["eps"])
        self.mlp = Mlp(cfg)

    def forward(self, x, cos, sin):
        h = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return h + self.mlp(self.post_attention_layernorm(h))


class Body(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg["vocab_size"], cfg["hidden_size"])
        self.layers = nn.ModuleList(Layer(cfg) for _ in range(cfg["layers"]))
        self.norm = RMSNorm(cfg["hidden_size"], cfg["eps"])


class Llama(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.model = Body(cfg)
        self.tied = cfg["tied"]
        if not self.tied:
            self.lm_head = nn.Linear(cfg["hidden_size"], cfg["vocab_size"], bias=False)

    def forward(self, idx):
        cos, sin = rotary(self.cfg["theta"], self.cfg["head_dim"], idx.shape[1])
        h = self.model.embed_tokens(idx)
        for layer in self.model.layers:
            h = layer(h, cos, sin)
        h = self.model.norm(h)
        if self.tied:
            return h.matmul(self.model.embed_tokens.weight.t())
        return self.lm_head(h)


def read_config(path):
    with open(path) as f:
        c = json.load(f)
    if c.get("model_type") != "llama":
        raise ValueError("llama_reference.py builds llama models, not " + str(c.get("model_type")))
    heads = c["num_attention_heads"]
    return {
        "vocab_size": c["vocab_size"],
        "hidden_size": c["hidden_size"],
        "layers": c["num_hidden_layers"],
        "heads": heads,
        "kv_heads": c.get("num_key_value_heads", heads),
        "head_dim": c.get("head_dim", c["hidden_size"] // heads),
        "intermediate_size": c["intermediate_size"],
        "eps": c.get("rms_norm_eps", 1e-6),
        "theta": c.get("rope_theta", 10000.0),
        "tied": c.get("tie_word_embeddings", False),
    }


class Reference:
    def __init__(self, model_dir, tokens_file, lr, weight_decay):
        cfg = read_config(os.path.join(model_dir, "config.json"))
        tensors = load_safetensors(os.path.join(model_dir, "model.safetensors"))
        tokens = load_safetensors(tokens_file)["tokens"]  # [B, T + 1]
        self.x = tokens[:, :-1].contiguous()
        self.y = tokens[:, 1:].contiguous()
        self.model = Llama(cfg)
        self.model.load_state_dict(tensors, strict=True)
        self.model.train()
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=lr,
                                           weight_decay=weight_decay)

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
                ref = Reference(words[1], words[2], float(words[3]), float(words[4]))
                answer("ok %.9g" % ref.step())
            elif words[0] == "run":
                seconds, loss = ref.run(int(words[1]))
                answer("ok %.9g %.9g" % (seconds, loss))
            else:
                answer("error unknown command " + words[0])
        except Exception as e:  # report, keep serving: the C++ side decides what to do
            answer("error %s: %s" % (type(e).__name__, str(e).replace("\n", " ")))


if __name__ == "__main__":
    main()
