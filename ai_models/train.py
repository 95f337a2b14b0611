"""Train the nodule model on synthetic phantoms: `python -m ai_models.train --seed S`.

Phantoms come straight from `make_ct_phantom` in memory (no DICOM round trip), with variety in nodule
kind (solid, part-solid, ground-glass, juxtapleural), size (3-30 mm), slice thickness (0.625-5 mm),
pixel size, noise and body size (`random_phantom`). Training seeds are `seed * 1_000_000 + i`; held-out
evaluation seeds start at `HELD_OUT_SEED_BASE` and are never used here.

- Default: the shipped recipe, the candidate classifier of model 0.3 (`ai_models.train_classifier`;
  about 25 minutes on 2 CPU cores). Writes model.pt, model.onnx and model_card.json to --out (default:
  the package's weights folder).
- `--arch unet --out DIR`: the version 0.1 U-Net (segmentation pipeline): stage 1, 1000 steps from a
  "nodules are rare" prior; stage 2, 900 steps favouring small nodules. Each phantom goes through the
  same `preprocess.prepare` the detector uses; the target is the nodules' ellipsoids on the 2 mm grid.
Results match the shipped weights up to floating-point differences between machines/thread counts.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from ai_models.candidates import crop
from ai_models.model import ModelCard, build_network
from ai_models.phantom import make_ct_phantom
from ai_models.preprocess import Grid, prepare

HELD_OUT_SEED_BASE = 900_000_000
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
THICKNESSES = (0.625, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 5.0)


def phantom_grid(ph) -> Grid:
    g = ph.geometry
    return Grid(np.array(g.origin_lps_mm, float), np.array([1.0, 0, 0]), np.array([0, 1.0, 0]),
                np.array([0, 0, 1.0]), np.array([g.slice_spacing_mm, g.pixel_mm, g.pixel_mm]), tuple(ph.hu.shape))


def random_phantom(seed: int, fast: bool = True):
    """A phantom with random acquisition settings; `fast` keeps the z range and matrix modest."""
    rng = np.random.default_rng(seed + 17)
    thick = float(rng.choice(THICKNESSES))
    spacing = thick * float(rng.choice([1.0, 1.0, 0.8]))
    pixel = float(rng.uniform(0.6, 1.0)) if not fast else float(rng.uniform(0.68, 1.5))
    rows = int(min(512, round(360 / pixel)))
    z_extent = float(rng.uniform(80, 150)) if fast else 300.0
    slices = max(8, int(z_extent / spacing))
    noise = float(rng.uniform(8, 45))
    body = float(rng.uniform(0.8, 1.15))
    zc = float(rng.uniform(-165, -85))
    return make_ct_phantom(seed=seed, slices=slices, thickness_mm=thick, spacing_mm=spacing, rows=rows,
                           pixel_mm=pixel, noise_hu=noise, body_scale=body, n_nodules=int(rng.integers(4, 10)),
                           z_center_mm=zc)


def nodule_target(grid: Grid, nodules) -> np.ndarray:
    """The nodules' ellipsoids on the grid (uint8), with at least the centre voxel set for tiny ones."""
    t = np.zeros(grid.shape_zyx, np.uint8)
    s = grid.spacing_zyx_mm
    for n in nodules:
        c = np.asarray(n.center_lps_mm, float)
        semi = np.asarray(n.semi_axes_mm, float)
        cz, cy, cx = grid.voxel_of(c)
        rz, ry, rx = semi[2] / s[0] + 1, semi[1] / s[1] + 1, semi[0] / s[2] + 1
        zs = np.arange(max(0, int(cz - rz)), min(t.shape[0], int(cz + rz) + 2))
        ys = np.arange(max(0, int(cy - ry)), min(t.shape[1], int(cy + ry) + 2))
        xs = np.arange(max(0, int(cx - rx)), min(t.shape[2], int(cx + rx) + 2))
        if not (len(zs) and len(ys) and len(xs)):
            continue
        Z, Y, X = np.meshgrid(zs, ys, xs, indexing="ij")
        r = (((X - cx) * s[2] / semi[0]) ** 2 + ((Y - cy) * s[1] / semi[1]) ** 2 + ((Z - cz) * s[0] / semi[2]) ** 2)
        t[Z[r <= 1], Y[r <= 1], X[r <= 1]] = 1
        iz, iy, ix = int(round(cz)), int(round(cy)), int(round(cx))
        if 0 <= iz < t.shape[0] and 0 <= iy < t.shape[1] and 0 <= ix < t.shape[2]:
            t[iz, iy, ix] = 1
    return t


class Sample:
    def __init__(self, ph, card: ModelCard):
        prep = prepare(ph.hu.astype(np.float32), phantom_grid(ph), card.input_spacing_mm, card.hu_window)
        self.image = prep.image.astype(np.float16)
        self.target = nodule_target(prep.grid, ph.nodules)
        self.centres = [prep.grid.voxel_of(np.asarray(n.center_lps_mm, float)) for n in ph.nodules]
        self.diameters = np.array([n.diameter_mm for n in ph.nodules], float)
        lung = np.argwhere(prep.mask[:, ::2, ::2]) * np.array([1, 2, 2])
        self.lung_points = lung if len(lung) else np.argwhere(np.ones(prep.mask.shape, bool)[:, ::8, ::8]) * 8


def make_batch(samples, rng, card: ModelCard, n_pos: int, n_neg: int, small_weight: float = 0.0):
    """n_pos patches around nodules (chosen with weight diameter**-small_weight, so small ones can be
    favoured: they are few voxels and the loss otherwise hears mostly the big ones) and n_neg patches
    anywhere in the lungs."""
    size = card.train_patch_zyx
    xs, ys = [], []
    for i in range(n_pos + n_neg):
        s = samples[int(rng.integers(len(samples)))]
        if i < n_pos and s.centres:
            w = np.maximum(s.diameters, 3.0) ** -small_weight
            k = int(rng.choice(len(s.centres), p=w / w.sum()))
            c = s.centres[k] + rng.uniform(-0.35, 0.35, 3) * np.array(size)
        else:
            c = s.lung_points[int(rng.integers(len(s.lung_points)))] + rng.uniform(-2, 2, 3)
        x = crop(s.image, c, size, "edge").astype(np.float32)
        y = crop(s.target, c, size, 0)
        for ax in range(3):  # the task is symmetric under flips
            if rng.random() < 0.5:
                x, y = np.flip(x, ax), np.flip(y, ax)
        x = x * float(rng.uniform(0.93, 1.07)) + float(rng.uniform(-0.03, 0.03))
        xs.append(np.ascontiguousarray(x))
        ys.append(np.ascontiguousarray(y))
    return np.stack(xs)[:, None], np.stack(ys)[:, None].astype(np.float32)


def optimiser_step(loss, opt, sched) -> float:
    """One gradient step and one scheduler step; the loss as a float (for the running average)."""
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    return float(loss.detach())


def export(net, card: ModelCard, out: Path, meta: dict, example_shape: tuple[int, ...] | None = None,
           input_name: str = "image", dynamic_axes: dict | None = None) -> None:
    """Torch weights, their ONNX export and the card (with `meta` as its training record) into `out`.
    Defaults: the U-Net, one tile of the card's inference size, dynamic batch and spatial axes."""
    import warnings

    import torch

    out.mkdir(parents=True, exist_ok=True)
    net.eval()
    torch.save(net.state_dict(), out / card.torch_weights)
    x = torch.zeros(example_shape or (1, 1) + tuple(card.infer_tile_zyx), dtype=torch.float32)
    axes = dynamic_axes or {0: "batch", 2: "z", 3: "y", 4: "x"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, (x,), str(out / card.onnx_weights), dynamo=False, input_names=[input_name],
                          output_names=["logits"], dynamic_axes={input_name: axes, "logits": axes}, opset_version=17)
    card.training = meta
    card.save(out)
    net.train()


def _replace_arg(argv: list[str], name: str, value: str) -> list[str]:
    out, skip = [], False
    for i, a in enumerate(argv):
        if skip:
            skip = False
            continue
        if a == name:
            skip = True
            continue
        if a.startswith(name + "="):
            continue
        out.append(a)
    return out + [name, value]


def main(argv: list[str] | None = None) -> int:
    """The shipped recipe (candidate classifier, `ai_models.train_classifier`) unless `--arch unet`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--arch" in argv:
        i = argv.index("--arch")
        arch = argv[i + 1] if i + 1 < len(argv) else ""
        argv = argv[:i] + argv[i + 2:]
    else:
        arch = "classifier"
    if arch == "classifier":
        from ai_models import train_classifier

        return train_classifier.main(argv)
    if arch != "unet":
        print(f"python -m ai_models.train: unknown --arch {arch!r} (classifier or unet)", file=sys.stderr)
        return 2
    return main_unet(argv)


def main_unet(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m ai_models.train --arch unet",
                                 description="Train the version 0.1 U-Net (segmentation pipeline).")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--pool", type=int, default=28, help="phantoms held in memory")
    ap.add_argument("--refresh-every", type=int, default=40, help="replace one phantom every N steps")
    ap.add_argument("--batch-pos", type=int, default=3)
    ap.add_argument("--batch-neg", type=int, default=3)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--small-weight", type=float, default=0.0,
                    help="favour small nodules in positive patches: choose each with weight diameter**-W")
    ap.add_argument("--pos-weight", type=float, default=20.0, help="BCE weight of nodule voxels (they are rare)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--save-every", type=int, default=100)
    ap.add_argument("--out", type=Path, required=True, help="model folder to write (not the shipped one)")
    ap.add_argument("--stop-after", type=int, default=0,
                    help="stop (and save) after this many steps of a --steps schedule; 0: run it all")
    ap.add_argument("--init", type=Path, default=None, help="start from these torch weights (fine-tuning)")
    ap.add_argument("--stage2-steps", type=int, default=900,
                    help="then fine-tune this many steps favouring small nodules (seed+1, lr 1e-3, "
                         "4 nodule + 2 lung patches, pool 24, --small-weight 2); 0: no second stage")
    args = ap.parse_args(argv)
    if args.stage2_steps and not args.init:
        # The shipped recipe: stage 1 into a scratch folder, stage 2 from it into --out.
        import tempfile

        with tempfile.TemporaryDirectory(prefix="tpacs_train_stage1_") as tmp:
            rc = main_unet(_replace_arg(argv, "--out", tmp) + ["--stage2-steps", "0"])
            if rc:
                return rc
            stage2 = ["--seed", str(args.seed + 1), "--steps", str(args.stage2_steps), "--lr", "1e-3",
                      "--small-weight", "2.0", "--batch-pos", "4", "--batch-neg", "2", "--pool", "24",
                      "--threads", str(args.threads), "--save-every", str(args.save_every),
                      "--init", str(Path(tmp) / "model.pt"), "--out", str(args.out), "--stage2-steps", "0"]
            return main_unet(stage2)

    import torch
    from monai.losses import DiceLoss

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    card = ModelCard()
    net = build_network(card)
    init_meta = None
    if args.init:  # fine-tuning: keep the provenance of the starting weights in the card
        net.load_state_dict(torch.load(args.init, map_location="cpu"))
        card_file = Path(args.init).parent / "model_card.json"
        if card_file.is_file():
            init_meta = json.loads(card_file.read_text(encoding="utf-8")).get("training")
    else:
        # Start from "nodules are rare" (p = 0.02 everywhere) so early steps learn shapes, not the prior.
        last = [m for m in net.modules() if isinstance(m, (torch.nn.Conv3d, torch.nn.ConvTranspose3d))][-1]
        torch.nn.init.constant_(last.bias, -4.0)
    net.train()
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.steps, pct_start=0.05)
    dice = DiceLoss(sigmoid=True, batch=True)
    bce = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(args.pos_weight))
    loss_fn = lambda logits, y: dice(logits, y) + bce(logits, y)

    t0 = time.time()
    next_seed = 0

    def new_sample():
        nonlocal next_seed
        s = args.seed * 1_000_000 + next_seed
        next_seed += 1
        assert s < HELD_OUT_SEED_BASE
        return Sample(random_phantom(s), card)

    samples = [new_sample() for _ in range(args.pool)]
    print(f"pool of {len(samples)} phantoms ready in {time.time() - t0:.0f} s", flush=True)
    ema = None
    last = args.stop_after or args.steps
    for step in range(1, last + 1):
        if step % args.refresh_every == 0:
            samples[int(rng.integers(len(samples)))] = new_sample()
        x, y = make_batch(samples, rng, card, args.batch_pos, args.batch_neg, args.small_weight)
        logits = net(torch.from_numpy(x))
        lv = optimiser_step(loss_fn(logits, torch.from_numpy(y)), opt, sched)
        ema = lv if ema is None else 0.95 * ema + 0.05 * lv
        if step % 20 == 0:
            print(f"step {step}/{args.steps} loss {ema:.4f} lr {sched.get_last_lr()[0]:.2e} "
                  f"{time.time() - t0:.0f} s", flush=True)
        if step % args.save_every == 0 or step == last:
            meta = {"seed": args.seed, "steps": step, "of_steps": args.steps, "pool": args.pool,
                    "phantoms_seen": next_seed, "batch": args.batch_pos + args.batch_neg, "lr": args.lr,
                    "loss_ema": round(ema, 4), "seconds": round(time.time() - t0), "command":
                    "python -m ai_models.train --arch unet " + " ".join(argv)}
            if init_meta:
                meta["init"] = init_meta
            export(net, card, args.out, meta)
            print(f"saved to {args.out} at step {step}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
