"""Train the shipped candidate classifier (model 0.3) on synthetic phantoms.

Called by `python -m ai_models.train` (the shipped recipe). Each training phantom goes through exactly
what the detector does: `prepare` (2 mm grid, lung region), `scan_images` (1 mm and 2 mm windowed
images) and `blob_candidates`. A candidate within a nodule's radius is a positive (LUNA16's hit rule),
one more than 3 mm outside every nodule a negative, the rest are left out. Positives are also cut at
jittered true nodule centres, so the classifier does not depend on where the blob filter peaked.

Batches hold 12 positives (nodules drawn uniformly, so small ones count as much as big ones) and 20
negatives; at 40%, 60% and 80% of the steps, every negative of the pool is scored and later negatives are drawn in
proportion to the current score (hard-negative mining: vessel crossings and pleural bumps). Flips,
in-plane quarter turns, shifts of up to 2 mm and small contrast changes augment every patch.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ai_models.candidates import blob_candidates, crop, scan_images
from ai_models.model import ModelCard, build_network, classifier_card
from ai_models.preprocess import prepare

IGNORE_MARGIN_MM = 3.0
# Negatives kept per phantom: the strongest blobs (vessel roots and crossings, the hard ones) plus a random
# sample of the rest; keeps the pool and the mining passes affordable.
STRONGEST_NEGATIVES, RANDOM_NEGATIVES = 250, 350


@dataclass
class Example:
    images: list[np.ndarray]      # float16, one per patch spacing
    cand_vox: np.ndarray          # (n, 3) candidate voxels on the coarse grid
    labels: np.ndarray            # (n,) 1 nodule, 0 not, -1 ignored
    nodule_vox: np.ndarray        # (m, 3) true centres on the coarse grid
    nodule_radius_vox: np.ndarray  # (m,)
    seed: int


def make_example(seed: int, card: ModelCard) -> Example:
    from ai_models.train import phantom_grid, random_phantom

    ph = random_phantom(seed)
    grid = phantom_grid(ph)
    hu = ph.hu.astype(np.float32)
    prep = prepare(hu, grid, card.input_spacing_mm, card.hu_window)
    images = scan_images(hu, grid, prep, card.patch_spacings_mm, card.hu_window, card.patch_zyx)
    images = [im.astype(np.float16) for im in images]
    blobs = blob_candidates(prep.hu, prep.mask, card.input_spacing_mm, card.candidate_scales_mm,
                            card.candidate_min_response, card.max_candidates,
                            max_hu=card.candidate_max_hu)
    sp = card.input_spacing_mm
    nod = np.array([prep.grid.voxel_of(np.asarray(n.center_lps_mm, float)) for n in ph.nodules]).reshape(-1, 3)
    rad = np.array([n.diameter_mm / 2 for n in ph.nodules], float) / sp
    labels = np.zeros(len(blobs.voxels), np.int8)
    if len(nod) and len(blobs.voxels):
        d = np.linalg.norm(blobs.voxels[:, None, :] - nod[None, :, :], axis=2) - rad[None, :]
        labels[(d < IGNORE_MARGIN_MM / sp).any(axis=1)] = -1
        labels[(d < 0).any(axis=1)] = 1
    neg = np.flatnonzero(labels == 0)  # strongest first: blob_candidates sorts by response
    rest = neg[STRONGEST_NEGATIVES:]
    if len(rest) > RANDOM_NEGATIVES:
        drop = np.random.default_rng(seed).choice(rest, len(rest) - RANDOM_NEGATIVES, replace=False)
        labels[drop] = -1
    return Example(images, blobs.voxels, labels, nod, rad, seed)


def _make_example_job(args):
    seed, card_dict = args
    import torch

    torch.set_num_threads(1)
    return make_example(seed, ModelCard(**card_dict))


def augment_patch(images, centre_coarse, card: ModelCard, rng, shift_mm: float) -> np.ndarray:
    c = np.asarray(centre_coarse, float) + rng.uniform(-shift_mm, shift_mm, 3) / card.input_spacing_mm
    x = np.stack([crop(img, c * (card.input_spacing_mm / sp), card.patch_zyx, "edge").astype(np.float32)
                  for img, sp in zip(images, card.patch_spacings_mm)])
    for ax in (1, 2, 3):  # the task is symmetric under flips and in-plane quarter turns
        if rng.random() < 0.5:
            x = np.flip(x, ax)
    if rng.random() < 0.5:
        x = np.swapaxes(x, 2, 3)
    x = x * float(rng.uniform(0.93, 1.07)) + float(rng.uniform(-0.03, 0.03))
    return np.ascontiguousarray(x)


class Pool:
    def __init__(self, examples: list[Example]):
        self.ex = examples
        self.neg = [(i, j) for i, e in enumerate(examples) for j in np.flatnonzero(e.labels == 0)]
        self.pos_cands = [np.flatnonzero(e.labels == 1) for e in examples]
        self.nodules = [(i, k) for i, e in enumerate(examples) for k in range(len(e.nodule_vox))]
        self.neg_weight = None  # None: uniform; later from hard-negative mining

    def positive(self, rng, card):
        i, k = self.nodules[int(rng.integers(len(self.nodules)))]
        e = self.ex[i]
        r = e.nodule_radius_vox[k]
        own = [j for j in self.pos_cands[i] if np.linalg.norm(e.cand_vox[j] - e.nodule_vox[k]) < r]
        if own and rng.random() < 0.5:
            c = e.cand_vox[own[int(rng.integers(len(own)))]]
        else:
            c = e.nodule_vox[k] + rng.uniform(-0.5, 0.5, 3) * r
        return augment_patch(e.images, c, card, rng, shift_mm=0.5)

    def negative(self, rng, card):
        if self.neg_weight is None:
            n = int(rng.integers(len(self.neg)))
        else:
            n = int(rng.choice(len(self.neg), p=self.neg_weight))
        i, j = self.neg[n]
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
    w = scores + floor
    pool.neg_weight = w / w.sum()
    return {"negatives": len(scores), "above_0.5": int((scores > 0.5).sum()), "mean": float(scores.mean())}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m ai_models.train",
                                 description="Train the shipped candidate classifier on synthetic phantoms.")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--pool", type=int, default=120, help="training phantoms (made once, held in memory)")
    ap.add_argument("--batch-pos", type=int, default=12)
    ap.add_argument("--batch-neg", type=int, default=20)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--save-every", type=int, default=500)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "weights")
    args = ap.parse_args(argv)
    import multiprocessing as mp
    from dataclasses import asdict

    import torch

    from ai_models.train import HELD_OUT_SEED_BASE, export, optimiser_step

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    card = classifier_card()
    t0 = time.time()
    seeds = [args.seed * 1_000_000 + i for i in range(args.pool)]
    assert max(seeds) < HELD_OUT_SEED_BASE
    card_dict = {k: v for k, v in asdict(card).items() if k != "folder"}
    with mp.get_context("spawn").Pool(args.threads) as workers:  # phantom making is mostly one-threaded numpy
        examples = workers.map(_make_example_job, [(s, card_dict) for s in seeds], chunksize=1)
    pool = Pool(examples)
    n_pos_c = sum(int((e.labels == 1).sum()) for e in examples)
    print(f"pool of {len(examples)} phantoms ready in {time.time() - t0:.0f} s: {len(pool.nodules)} nodules, "
          f"{n_pos_c} candidates on nodules, {len(pool.neg)} negative candidates "
          f"({len(pool.neg) / len(examples):.0f} per phantom)", flush=True)

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
    for step in range(1, args.steps + 1):
        if step in (int(args.steps * 0.4), int(args.steps * 0.6), int(args.steps * 0.8)):
            m = mine_negatives(pool, net, card)
            mined.append(dict(m, step=step))
            print(f"hard negatives at step {step}: {m}", flush=True)
        x = np.stack([pool.positive(rng, card) for _ in range(n_pos)] + [pool.negative(rng, card) for _ in range(n_neg)])
        lv = optimiser_step(loss_fn(net(torch.from_numpy(x)), y), opt, sched)
        ema = lv if ema is None else 0.98 * ema + 0.02 * lv
        if step % 50 == 0:
            print(f"step {step}/{args.steps} loss {ema:.4f} lr {sched.get_last_lr()[0]:.2e} {time.time() - t0:.0f} s",
                  flush=True)
        if step % args.save_every == 0 or step == args.steps:
            meta = {"recipe": "candidate classifier", "seed": args.seed, "steps": step, "of_steps": args.steps,
                    "phantoms": len(examples), "nodules": len(pool.nodules), "negative_candidates": len(pool.neg),
                    "batch": f"{n_pos} nodule + {n_neg} other candidates", "lr": args.lr,
                    "loss_ema": round(ema, 4), "hard_negative_mining": mined, "seconds": round(time.time() - t0),
                    "command": "python -m ai_models.train " + " ".join(argv)}
            export(net, card, args.out, meta, example_shape=(1,) + tuple(card.architecture["in_shape"]),
                   input_name="patches", dynamic_axes={0: "batch"})
            print(f"saved to {args.out} at step {step}", flush=True)
    return 0


if __name__ == "__main__":
    print("use: python -m ai_models.train", file=sys.stderr)
    raise SystemExit(2)
