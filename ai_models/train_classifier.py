"""Train the shipped candidate classifier (model 0.4) on real CT backgrounds and synthetic phantoms.

Called by `python -m ai_models.train` (the shipped recipe). Examples (`ai_models.train_pool`): insertion
rounds on the training scans of `realdata.SCANS` (nodules inserted into real anatomy, at the scan's own and
thicker slices; real reference nodules too) and synthetic phantoms (for variety of size and kind). Batches
hold 12 positives (nodules drawn uniformly, 70% from real backgrounds) and 20 negatives (75% real anatomy);
at 40%, 60% and 80% of the steps every negative of the pool is scored and later negatives are drawn in
proportion to the current score (hard-negative mining: vessel crossings, fissures, pleural bumps). Flips,
in-plane quarter turns, shifts of up to 2 mm and small contrast changes augment every patch.
Then the scores are calibrated and the operating point chosen on the held-out real scans
(`ai_models.calibrate`), and weights + card are written.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from ai_models.candidates import _array_offset, crop
from ai_models.model import ModelCard, build_network, classifier_card
from ai_models.train_pool import Example, phantom_example, real_examples

REAL_ROUNDS = {"lidc0314": 10, "petct_thca": 8, "lidc0002_slab": 6, "lidc0003_slab": 6}
REAL_ROUND_OFFSET = 500_000  # round seeds: seed * 1_000_000 + REAL_ROUND_OFFSET + i


def _phantom_job(args):
    seed, card_dict = args
    import torch

    torch.set_num_threads(1)
    return [phantom_example(seed, ModelCard(**card_dict))]


def _real_job(args):
    key, round_seed, card_dict, root = args
    import torch

    torch.set_num_threads(1)
    return real_examples(key, round_seed, ModelCard(**card_dict), Path(root))


def augment_patch(images, centre_coarse, card: ModelCard, rng, shift_mm: float) -> np.ndarray:
    c = np.asarray(centre_coarse, float) + rng.uniform(-shift_mm, shift_mm, 3) / card.input_spacing_mm
    arrs = [_array_offset(img) for img in images]
    x = np.stack([crop(arr, c * (card.input_spacing_mm / sp) - off, card.patch_zyx, "edge").astype(np.float32)
                  for (arr, off), sp in zip(arrs, card.patch_spacings_mm)])
    for ax in (1, 2, 3):  # the task is symmetric under flips and in-plane quarter turns
        if rng.random() < 0.5:
            x = np.flip(x, ax)
    if rng.random() < 0.5:
        x = np.swapaxes(x, 2, 3)
    x = x * float(rng.uniform(0.93, 1.07)) + float(rng.uniform(-0.03, 0.03))
    return np.ascontiguousarray(x)


class Pool:
    """Positives and negatives of the examples, drawn with a given share from real backgrounds."""

    def __init__(self, examples: list[Example], real_pos: float = 0.7, real_neg: float = 0.75):
        self.ex = examples
        self.neg = [(i, j) for i, e in enumerate(examples) for j in np.flatnonzero(e.labels == 0)]
        self.neg_real = np.array([examples[i].group == "real" for i, _ in self.neg], bool)
        self.pos_cands = [np.flatnonzero(e.labels == 1) for e in examples]
        self.nodules = [(i, k) for i, e in enumerate(examples) for k in range(len(e.nodule_vox))]
        self.nod_real = np.array([examples[i].group == "real" for i, _ in self.nodules], bool)
        self.real_pos = real_pos if self.nod_real.any() and (~self.nod_real).any() else float(self.nod_real.all())
        self.real_neg = real_neg if self.neg_real.any() and (~self.neg_real).any() else float(self.neg_real.all())
        self.mined = None  # None: uniform; later scores from hard-negative mining

    def _draw(self, rng, is_real: np.ndarray, share: float, weight=None) -> int:
        group = is_real if rng.random() < share else ~is_real
        idx = np.flatnonzero(group)
        if weight is None:
            return int(idx[int(rng.integers(len(idx)))])
        w = weight[idx]
        return int(rng.choice(idx, p=w / w.sum()))

    def positive(self, rng, card):
        i, k = self.nodules[self._draw(rng, self.nod_real, self.real_pos)]
        e = self.ex[i]
        r = e.nodule_radius_vox[k]
        own = [j for j in self.pos_cands[i] if np.linalg.norm(e.cand_vox[j] - e.nodule_vox[k]) < r]
        if own and rng.random() < 0.5:
            c = e.cand_vox[own[int(rng.integers(len(own)))]]
        else:
            c = e.nodule_vox[k] + rng.uniform(-0.5, 0.5, 3) * r
        return augment_patch(e.images, c, card, rng, shift_mm=0.5)

    def negative(self, rng, card):
        i, j = self.neg[self._draw(rng, self.neg_real, self.real_neg, self.mined)]
        return augment_patch(self.ex[i].images, self.ex[i].cand_vox[j], card, rng, shift_mm=2.0)


def mine_negatives(pool: Pool, net, card: ModelCard, floor: float = 0.02, batch: int = 128) -> dict:
    """Score every negative candidate of the pool; later draws follow score + floor."""
    import torch

    from ai_models.candidates import patches

    net.eval()
    scores = np.zeros(len(pool.neg), np.float32)
    with torch.inference_mode():
        for a in range(0, len(pool.neg), batch):
            chunk = pool.neg[a:a + batch]
            xs = []
            for i, j in chunk:
                e = pool.ex[i]
                xs.append(patches(e.images, card.patch_spacings_mm, e.cand_vox[j:j + 1],
                                  card.input_spacing_mm, card.patch_zyx)[0])
            scores[a:a + len(chunk)] = torch.sigmoid(net(torch.from_numpy(np.stack(xs)))).numpy().reshape(-1)
    net.train()
    pool.mined = scores + floor
    return {"negatives": len(scores), "above_0.5": int((scores > 0.5).sum()), "mean": round(float(scores.mean()), 4),
            "real_above_0.5": int((scores[pool.neg_real] > 0.5).sum())}


def build_pool(args, card: ModelCard, root: Path, log=print) -> list[Example]:
    import multiprocessing as mp
    from dataclasses import asdict

    from ai_models.calibrate import CALIBRATION_SEED_BASE
    from ai_models.train import HELD_OUT_SEED_BASE

    card_dict = {k: v for k, v in asdict(card).items() if k != "folder"}
    phantom_seeds = [args.seed * 1_000_000 + i for i in range(args.phantoms)]
    real_jobs = [(key, args.seed * 1_000_000 + REAL_ROUND_OFFSET + 1000 * k + i, card_dict, str(root))
                 for k, (key, n) in enumerate(REAL_ROUNDS.items())
                 for i in range(max(1, round(n * args.real_rounds)) if args.real_rounds > 0 else 0)]
    assert max(phantom_seeds + [j[1] for j in real_jobs]) < min(HELD_OUT_SEED_BASE, CALIBRATION_SEED_BASE)
    t0 = time.time()
    # Real rounds first: they are the slow ones, and each worker keeps its backgrounds loaded.
    with mp.get_context("spawn").Pool(args.threads, maxtasksperchild=12) as workers:
        parts = workers.map(_real_job, real_jobs, chunksize=1)
        parts += workers.map(_phantom_job, [(s, card_dict) for s in phantom_seeds], chunksize=4)
    examples = [e for part in parts for e in part]
    real = [e for e in examples if e.group == "real"]
    log(f"pool ready in {time.time() - t0:.0f} s: {len(real)} real-background examples "
        f"({sum(len(e.nodule_vox) for e in real)} nodules), {len(examples) - len(real)} phantoms "
        f"({sum(len(e.nodule_vox) for e in examples if e.group != 'real')} nodules), "
        f"{sum(int((e.labels == 0).sum()) for e in examples)} negative candidates; images "
        f"{sum(im.nbytes for e in examples for im in e.images) / 2**30:.1f} GiB")
    return examples


def main(argv: list[str]) -> int:
    from ai_models.realdata import SCANS, default_root

    ap = argparse.ArgumentParser(prog="python -m ai_models.train",
                                 description="Train the shipped candidate classifier on real CT backgrounds "
                                             "with inserted nodules and on synthetic phantoms; calibrate it.")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=7000)
    ap.add_argument("--phantoms", type=int, default=60, help="synthetic phantoms in the pool")
    ap.add_argument("--real-rounds", type=float, default=1.0,
                    help="scale the insertion rounds per real training scan (" +
                         ", ".join(f"{k} {n}" for k, n in REAL_ROUNDS.items()) + ")")
    ap.add_argument("--real-data", type=Path, default=default_root(),
                    help="the shared real data (../shared/data/real); the scans used are listed in realdata.SCANS")
    ap.add_argument("--batch-pos", type=int, default=12)
    ap.add_argument("--batch-neg", type=int, default=20)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--calibration-rounds", type=int, default=6,
                    help="insertion rounds on each held-out scan for calibration (0: leave uncalibrated)")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "weights")
    args = ap.parse_args(argv)
    if args.real_rounds > 0 and not args.real_data.is_dir():
        print(f"python -m ai_models.train: the real training scans are not at {args.real_data} "
              "(pass --real-data)", file=sys.stderr)
        return 2

    import torch

    from ai_models.train import export, optimiser_step

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    card = classifier_card()
    t0 = time.time()
    log = lambda m: print(m, flush=True)
    examples = build_pool(args, card, args.real_data, log)
    pool = Pool(examples)

    net = build_network(card)
    last_layer = [m for m in net.modules() if isinstance(m, torch.nn.Linear)][-1]
    torch.nn.init.constant_(last_layer.bias, -1.0)
    net.train()
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.steps, pct_start=0.05)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    n_pos, n_neg = args.batch_pos, args.batch_neg
    y = torch.tensor([1.0] * n_pos + [0.0] * n_neg).reshape(-1, 1)
    ema, mined = None, []
    t_train = time.time()
    for step in range(1, args.steps + 1):
        if step in (int(args.steps * 0.4), int(args.steps * 0.6), int(args.steps * 0.8)):
            m = mine_negatives(pool, net, card)
            mined.append(dict(m, step=step))
            log(f"hard negatives at step {step}: {m}")
        x = np.stack([pool.positive(rng, card) for _ in range(n_pos)] + [pool.negative(rng, card) for _ in range(n_neg)])
        lv = optimiser_step(loss_fn(net(torch.from_numpy(x)), y), opt, sched)
        ema = lv if ema is None else 0.98 * ema + 0.02 * lv
        if step % 100 == 0:
            log(f"step {step}/{args.steps} loss {ema:.4f} lr {sched.get_last_lr()[0]:.2e} {time.time() - t0:.0f} s")
    real = [e for e in examples if e.group == "real"]
    if not real:  # a phantom-only run (e.g. a quick check of the recipe) must not claim real anatomy
        card.trained_on = "synthetic chest CT phantoms only (township-pacs ai_models.phantom)"
        card.validation = "not validated on real scans"
    meta = {"recipe": "candidate classifier on real backgrounds with inserted nodules + phantoms",
            "seed": args.seed, "steps": args.steps,
            "training_scans": [f"{s.key}: {s.note}" for s in SCANS if s.role == "train"],
            "heldout_scans": [f"{s.key}: {s.note}" for s in SCANS if s.role == "heldout"],
            "real_examples": len(real), "real_nodules": int(sum(len(e.nodule_vox) for e in real)),
            "phantoms": len(examples) - len(real),
            "phantom_nodules": int(sum(len(e.nodule_vox) for e in examples if e.group != "real")),
            "negative_candidates": len(pool.neg), "batch": f"{n_pos} nodule + {n_neg} other candidates",
            "lr": args.lr, "loss_ema": round(ema, 4), "hard_negative_mining": mined,
            "pool_seconds": round(t_train - t0), "train_seconds": round(time.time() - t_train),
            "command": "python -m ai_models.train " + " ".join(argv)}
    del pool, examples
    export(net, card, args.out, meta, example_shape=(1,) + tuple(card.architecture["in_shape"]),
           input_name="patches", dynamic_axes={0: "batch"})
    log(f"weights saved to {args.out} ({time.time() - t0:.0f} s)")
    if args.calibration_rounds > 0 and args.real_data.is_dir():
        from ai_models.backends import make_backend
        from ai_models.calibrate import calibrate

        fresh = ModelCard.load(args.out)
        cal = calibrate(fresh, make_backend(fresh, "cpu", "onnx"), args.real_data, args.calibration_rounds, log=log)
        fresh.metrics["calibration"] = cal
        fresh.training["calibration_seconds"] = round(time.time() - t0) - meta["pool_seconds"] - meta["train_seconds"]
        fresh.training["seconds"] = round(time.time() - t0)
        fresh.save(args.out)
        log(f"calibrated: {fresh.calibration}, operating score {fresh.operating_score}, "
            f"ECE {cal['expected_calibration_error']} ({time.time() - t0:.0f} s in all)")
    return 0


if __name__ == "__main__":
    print("use: python -m ai_models.train", file=sys.stderr)
    raise SystemExit(2)
