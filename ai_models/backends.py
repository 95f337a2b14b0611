"""Inference backends: ONNX Runtime first (CUDA, then DirectML on Windows, then CPU), Torch when installed.

`--device auto` never fails for lack of a GPU: it takes the best provider present and falls back to CPU.
`--device cuda` fails with a clear message when no CUDA provider (ONNX Runtime) or CUDA device (Torch)
is there. Both backends take a float32 batch (n, 1, z, y, x) and return logits of the same shape.
"""
from __future__ import annotations

import os
import sys

import numpy as np

from ai_models.model import ModelCard

DEVICES = ("auto", "cpu", "cuda")


class BackendError(RuntimeError):
    """No backend can run the model as asked; the message says what is missing."""


def _threads() -> int:
    return max(1, int(os.environ.get("TPACS_AI_THREADS", 0) or (os.cpu_count() or 1)))


class OnnxBackend:
    kind = "onnx"

    def __init__(self, card: ModelCard, device: str = "auto"):
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise BackendError("onnxruntime is not installed") from exc
        path = card.path_of("onnx")
        if not path.is_file():
            raise BackendError(f"model {card.name}: ONNX weights missing ({path})")
        available = ort.get_available_providers()
        if device == "cuda":
            if "CUDAExecutionProvider" not in available:
                raise BackendError("device 'cuda' asked for, but this ONNX Runtime has no CUDA provider "
                                   f"(available: {', '.join(available)}); install onnxruntime-gpu or use --device auto")
            providers = ["CUDAExecutionProvider", "CPUExecutionProvider"]
        elif device == "cpu":
            providers = ["CPUExecutionProvider"]
        else:
            providers = [p for p in ("CUDAExecutionProvider", "DmlExecutionProvider") if p in available
                         and (p != "DmlExecutionProvider" or sys.platform == "win32")] + ["CPUExecutionProvider"]
        so = ort.SessionOptions()
        so.intra_op_num_threads = _threads()
        so.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(path), so, providers=providers)
        except Exception as exc:  # a broken GPU install: auto falls back to CPU, explicit cuda does not
            if device == "cuda" or providers == ["CPUExecutionProvider"]:
                raise BackendError(f"ONNX Runtime could not load {path}: {exc}") from exc
            self.session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        self.providers = self.session.get_providers()
        self.device = "cuda" if self.providers[0] == "CUDAExecutionProvider" else (
            "directml" if self.providers[0] == "DmlExecutionProvider" else "cpu")
        self.input_name = self.session.get_inputs()[0].name

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.input_name: np.ascontiguousarray(batch, dtype=np.float32)})[0]

    def describe(self) -> str:
        return f"onnxruntime ({', '.join(self.providers)})"


class TorchBackend:
    kind = "torch"

    def __init__(self, card: ModelCard, device: str = "auto"):
        try:
            import torch
        except ImportError as exc:
            raise BackendError("torch is not installed") from exc
        from ai_models.model import build_network

        path = card.path_of("torch")
        if not path.is_file():
            raise BackendError(f"model {card.name}: torch weights missing ({path})")
        if device == "cuda" and not torch.cuda.is_available():
            raise BackendError("device 'cuda' asked for, but torch sees no CUDA device; use --device auto or cpu")
        self.device = "cuda" if device in ("auto", "cuda") and torch.cuda.is_available() else "cpu"
        if self.device == "cpu":
            torch.set_num_threads(_threads())
        self.torch = torch
        net = build_network(card)
        net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        self.net = net.to(self.device).eval()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        with self.torch.inference_mode():
            x = self.torch.from_numpy(np.ascontiguousarray(batch, dtype=np.float32)).to(self.device)
            return self.net(x).float().cpu().numpy()

    def describe(self) -> str:
        return f"torch {self.torch.__version__} ({self.device})"


def make_backend(card: ModelCard, device: str = "auto", backend: str | None = None):
    """The backend to run `card` on. backend: None (ONNX Runtime, else Torch), "onnx" or "torch"."""
    if device not in DEVICES:
        raise BackendError(f"unknown device {device!r}; use one of {', '.join(DEVICES)}")
    order = [backend] if backend else ["onnx", "torch"]
    errors = []
    for kind in order:
        try:
            return (OnnxBackend if kind == "onnx" else TorchBackend)(card, device)
        except BackendError as exc:
            errors.append(f"{kind}: {exc}")
    # device=cuda with a CPU-only ONNX Runtime may still work through torch, tried above; otherwise say why.
    raise BackendError("no inference backend could run the model: " + "; ".join(errors))
