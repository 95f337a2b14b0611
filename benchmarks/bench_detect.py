"""Lung-nodule detection benchmarks (run on demand, not in the test suite).

    python benchmarks/bench_detect.py speed   [--slices 300] [--retina-windows 2] [--threads 2]
    python benchmarks/bench_detect.py quality [--n 20]
    python benchmarks/bench_detect.py real    [--rounds 10]

speed: `tpacs detect` end to end on a 300-slice 512x512 1.25 mm phantom (written as DICOM), side by side
with the peer: MONAI's RetinaNet in the lung_nodule_ct_detection configuration (ResNet50-FPN backbone built as
resnet_fpn_feature_extractor does; torchvision is not installed here, so its argument check is skipped and
the 20-line IntermediateLayerGetter it borrows from torchvision is re-implemented; 3 anchors, returned layers [1, 2], random weights), run with that
bundle's sliding-window settings (patch 192x192x80 at 0.703x0.703x1.25 mm, overlap 0.25) on the same
volume with the same thread count. On CPU a full RetinaNet pass takes tens of minutes, so by default the
peer's time is its measured reading + resampling, plus the measured time of --retina-windows windows
times the number of windows (printed as "extrapolated"); --retina-windows 0 runs every window.
Peak memory is the largest resident set of each process (sampled with psutil).

quality: CPM and sensitivity at 1 FP/scan on held-out phantoms, by kind and size (ai_models.evaluate);
target: solid >= 6 mm CPM at least 0.90.

real: the model on real anatomy (ai_models.evaluate_real), by slice thickness, against issue 12's targets:
false findings per scan at the default operating point on every real whole-chest scan of the shared data
(at most 1 up to 2.5 mm, 2 at 5 mm); nodules inserted into the held-out real scans: sensitivity for nodules
>= 6 mm at 1 false finding per scan (at least 0.90 up to 2.5 mm, 0.80 at 5 mm) and CPM (at least 0.85);
the expected calibration error recorded in the card (at most 0.05).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RETINA_SCRIPT = r'''
import json, math, sys, time
import numpy as np
import torch
t0 = time.perf_counter()
threads, folder, n_windows = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
torch.set_num_threads(threads)
from ai_models.series import load_volume
from ai_models.preprocess import grid_of
import SimpleITK as sitk
from monai.apps.detection.networks.retinanet_network import RetinaNet
import collections, types
import monai.networks.blocks.backbone_fpn_utils as bfu
from monai.networks.blocks.backbone_fpn_utils import _resnet_fpn_extractor

class IntermediateLayerGetter(torch.nn.ModuleDict):
    # torchvision.models._utils.IntermediateLayerGetter, the one piece of torchvision MONAI's FPN uses
    def __init__(self, model, return_layers):
        layers, left = collections.OrderedDict(), dict(return_layers)
        for name, module in model.named_children():
            layers[name] = module
            left.pop(name, None)
            if not left:
                break
        super().__init__(layers)
        self.return_layers = dict(return_layers)
    def forward(self, x):
        out = collections.OrderedDict()
        for name, module in self.items():
            x = module(x)
            if name in self.return_layers:
                out[self.return_layers[name]] = x
        return out

bfu.torchvision_models = types.SimpleNamespace(_utils=types.SimpleNamespace(IntermediateLayerGetter=IntermediateLayerGetter))
from monai.networks.nets import resnet
vol = load_volume(folder)
# the bundle's preprocessing: resample to 0.703 x 0.703 x 1.25 mm, scale HU -1024..300 to 0..1
g = grid_of(vol)
img = sitk.GetImageFromArray(vol.hu)
img.SetSpacing(tuple(float(v) for v in g.spacing_zyx_mm[::-1]))
new = [int(round(n * s / t)) for n, s, t in zip(vol.hu.shape[::-1], g.spacing_zyx_mm[::-1], (0.703, 0.703, 1.25))]
res = sitk.Resample(img, new, sitk.Transform(), sitk.sitkLinear, img.GetOrigin(), (0.703, 0.703, 1.25),
                    img.GetDirection(), -1024.0, sitk.sitkFloat32)
arr = np.clip((sitk.GetArrayFromImage(res) + 1024.0) / 1324.0, 0, 1).astype(np.float32)
x = torch.from_numpy(arr.transpose(2, 1, 0).copy())[None, None]  # MONAI detection works in (x, y, z)
t_prep = time.perf_counter() - t0
backbone = resnet.ResNet(block=resnet.ResNetBottleneck, layers=[3, 4, 6, 3], block_inplanes=resnet.get_inplanes(),
                         n_input_channels=1, conv1_t_stride=[2, 2, 1], conv1_t_size=[7, 7, 7])
# resnet_fpn_feature_extractor(backbone, 3, False, [1, 2], None) minus its torchvision-only argument check:
# without pretrained weights every layer is trainable (5), which is what that check returns.
fe = _resnet_fpn_extractor(backbone, 3, 5, returned_layers=[1, 2], extra_blocks=None)
net = RetinaNet(spatial_dims=3, num_classes=1, num_anchors=3, feature_extractor=fe, size_divisible=[16, 16, 8]).eval()
roi, overlap = (192, 192, 80), 0.25
def starts(n, t):
    step = int(t * (1 - overlap))
    return [0] if n <= t else sorted(set(list(range(0, n - t, step)) + [n - t]))
wins = [(a, b, c) for a in starts(x.shape[2], roi[0]) for b in starts(x.shape[3], roi[1]) for c in starts(x.shape[4], roi[2])]
todo = wins if n_windows <= 0 else wins[:n_windows]
times = []
with torch.inference_mode():
    for a, b, c in todo:
        t = time.perf_counter()
        patch = x[:, :, a:a + roi[0], b:b + roi[1], c:c + roi[2]]
        pad = [0, roi[2] - patch.shape[4], 0, roi[1] - patch.shape[3], 0, roi[0] - patch.shape[2]]
        out = net(torch.nn.functional.pad(patch, pad))
        times.append(time.perf_counter() - t)
per = float(np.median(times))
total_net = sum(times) if n_windows <= 0 else per * len(wins)
print(json.dumps({"prep_s": t_prep, "windows": len(wins), "timed_windows": len(todo), "per_window_s": per,
                  "network_s": total_net, "total_s": t_prep + total_net, "extrapolated": n_windows > 0,
                  "volume_xyz": list(x.shape[2:])}))
'''


def run_measured(cmd: list[str], env: dict) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run cmd, sampling the resident memory of it and its children; (result, seconds, peak GiB)."""
    import psutil

    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    peak = 0
    stop = threading.Event()

    def sample():
        nonlocal peak
        try:
            p = psutil.Process(proc.pid)
            while not stop.is_set():
                try:
                    rss = p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))
                    peak = max(peak, rss)
                except psutil.Error:
                    pass
                time.sleep(0.05)
        except psutil.Error:
            pass

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    secs = time.perf_counter() - t
    stop.set()
    th.join()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), secs, peak / 2**30


def speed(args) -> int:
    from ai_models.phantom import write_phantom
    from ai_models.train import HELD_OUT_SEED_BASE

    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), TPACS_AI_THREADS=str(args.threads),
               PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench_detect_") as tmp:
        folder = Path(args.data) if args.data else Path(tmp) / "ct"
        t = time.perf_counter()
        if (folder / "ground_truth.json").is_file():  # reuse a phantom written by an earlier run
            truth = json.loads((folder / "ground_truth.json").read_text())
        else:
            truth = write_phantom(folder, seed=HELD_OUT_SEED_BASE + 300, slices=args.slices, thickness_mm=1.25)
        print(f"phantom: {len(truth['files'])} slices 512x512 1.25 mm, {len(truth['nodules'])} nodules, "
              f"ready in {time.perf_counter() - t:.0f} s", flush=True)
        tpacs = [str(Path(sys.executable).with_name("tpacs"))]
        if not Path(tpacs[0]).exists():
            tpacs = [sys.executable, "-m", "viewer"]
        res, t_tpacs, mem_tpacs = run_measured(tpacs + ["detect", str(folder), "--json", str(Path(tmp) / "f.json"),
                                                        "--device", "cpu"], env)
        if res.returncode != 0:
            print(res.stderr)
            return 1
        n_found = len(json.loads((Path(tmp) / "f.json").read_text())["findings"])
        print(f"tpacs detect: {t_tpacs:.1f} s end to end, peak {mem_tpacs:.2f} GiB, {n_found} findings "
              f"({res.stderr.strip()})", flush=True)
        res, t_ret, mem_ret = run_measured([sys.executable, "-c", RETINA_SCRIPT, str(args.threads), str(folder),
                                            str(args.retina_windows)], env)
        if res.returncode != 0:
            print(res.stderr[-3000:])
            return 1
        r = json.loads(res.stdout.strip().splitlines()[-1])
        how = (f"{r['timed_windows']} of {r['windows']} windows timed, extrapolated" if r["extrapolated"]
               else f"all {r['windows']} windows")
        print(f"MONAI RetinaNet (lung_nodule_ct_detection config, random weights): {r['total_s']:.1f} s "
              f"(read+resample {r['prep_s']:.1f} s, {r['per_window_s']:.1f} s/window x {r['windows']}; {how}), "
              f"peak {mem_ret:.2f} GiB (of the timed part), process wall {t_ret:.0f} s", flush=True)
        print(f"ratio: RetinaNet / tpacs = {r['total_s'] / t_tpacs:.1f}x  (threads={args.threads})")
    return 0


def quality(args) -> int:
    from ai_models.evaluate import evaluate_phantoms, table

    t = time.perf_counter()
    summary, _ = evaluate_phantoms(args.n, args.model, "cpu", log=lambda m: print(m, flush=True))
    print(table(summary))
    s = summary["solid>=6mm"]
    print(f"solid >= 6 mm: CPM {s['cpm']:.3f} (target 0.90), sensitivity at 1 FP/scan "
          f"{s['sensitivity']['1.0']:.3f}; {time.perf_counter() - t:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))
    return 0


def real(args) -> int:
    from ai_models import evaluate_real as er
    from ai_models.backends import make_backend
    from ai_models.realdata import default_root
    from ai_models.registry import resolve_model

    root = Path(args.root) if args.root else default_root()
    card = resolve_model(args.model)
    be = make_backend(card, "cpu", "onnx")
    log = lambda m: print(m, flush=True)
    t = time.perf_counter()
    scans = er.evaluate_shared(card, be, root, log)
    s_real = er.summary(scans, card)
    print("\nreal scans of the shared data (training and held-out; 'role' per scan above):")
    print(er.table(s_real))
    chest = [r for r in scans if r.status == "ok" and "slab" not in r.name]
    print("\nfalse findings per whole scan at the operating point (target <= 1 up to 2.5 mm, <= 2 at 5 mm):")
    for r in chest:
        limit = 1 if r.thickness_mm <= 2.75 else 2
        print(f"  {r.name:<34} {r.role:<8} {r.false_at_op:>3}  {'met' if r.false_at_op <= limit else 'MISSED'}")
    ins = er.evaluate_inserted(card, be, root, args.rounds, log)
    s_ins = er.summary(ins, card)
    print(f"\nnodules inserted into held-out real scans ({args.rounds} rounds each):")
    print(er.table(s_ins))
    for b, target in (("<=1.5 mm", 0.90), ("~2.5 mm", 0.90), ("~5 mm", 0.80)):
        e = s_ins.get(b)
        if isinstance(e, dict) and e.get("sens_at_1fp_6mm") is not None:
            print(f"  {b}: sensitivity >= 6 mm at 1 FP/scan {e['sens_at_1fp_6mm']:.3f} (target {target}) "
                  f"{'met' if e['sens_at_1fp_6mm'] >= target else 'MISSED'}; CPM {e['cpm']:.3f} (target 0.85) "
                  f"{'met' if e['cpm'] >= 0.85 else 'MISSED'}")
    cal = card.metrics.get("calibration", {})
    ece = cal.get("expected_calibration_error")
    print(f"calibration (card): ECE {ece} (target <= 0.05) {'met' if ece is not None and ece <= 0.05 else 'MISSED'}; "
          f"operating score {card.operating_score}; {time.perf_counter() - t:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({"real": s_real, "inserted": s_ins}, indent=1, ensure_ascii=False))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    s = sub.add_parser("speed")
    s.add_argument("--slices", type=int, default=300)
    s.add_argument("--threads", type=int, default=2)
    s.add_argument("--retina-windows", type=int, default=2)
    s.add_argument("--data", default=None, help="folder for the phantom (reused when it already holds one)")
    q = sub.add_parser("quality")
    q.add_argument("--n", type=int, default=20)
    q.add_argument("--model", default=None)
    q.add_argument("--json", default=None)
    r = sub.add_parser("real")
    r.add_argument("--rounds", type=int, default=10)
    r.add_argument("--root", default=None)
    r.add_argument("--model", default=None)
    r.add_argument("--json", default=None)
    args = ap.parse_args()
    return {"speed": speed, "quality": quality, "real": real}[args.what](args)


if __name__ == "__main__":
    raise SystemExit(main())
