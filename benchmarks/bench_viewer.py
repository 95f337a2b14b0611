"""Viewer benchmark: loading a 500-slice 512x512 CT and scrolling through it.

Loading (each measurement in a fresh process, files in the page cache, median of --repeat runs):
  tpacs    viewer.logic.volume.iter_load_series (what the ReadingWidget's loader thread runs)
  peer     bare pydicom: dcmread + pixel_array per file, np.stack into a volume
  peer-0   bare pydicom decode that keeps nothing (the floor: reading + decoding only)
Printed: time to first image, time to full volume, peak memory above the process's start (each
loader's own process: its VmHWM, reset after imports - see benchmarks/peak_memory.py), as
ratios to the peer and to the voxel bytes. Targets: full volume <= 1.3x the peer, first image
<= 0.5 s, memory <= 1.5x the voxel bytes.

Scrolling (a ReadingWidget at 1280x1024 in an X window; under Xvfb's software OpenGL when there is
no display): slices per second for key-press scrolling in the axial view (each step repaints all
three views, since the crosshair moves in the others), in the coronal view, and with a 10 mm MIP slab;
the peer is VTK's vtkImageViewer2 (reslice + texture render through Mesa) at the same size.
Target: >= 30 slices/s.

    python benchmarks/bench_viewer.py [--data DIR] [--slices 500] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from benchmarks.peak_memory import peak, reset_peak, rss  # noqa: E402 - the process's own peak, not ru_maxrss


# ------------------------------------------------------------------------------- child processes
def _child_load(mode: str, folder: str) -> None:
    import numpy as np
    import pydicom

    from viewer.logic.volume import iter_load_series

    files = sorted(Path(folder).glob("*.dcm"))
    np.zeros(1)
    base = rss()
    if not reset_peak():
        raise SystemExit("cannot reset the peak RSS (/proc/self/clear_refs): the figure would not be this process's")
    t0 = time.perf_counter()
    first = None
    if mode == "tpacs":
        for ev in iter_load_series(files):
            if ev.kind == "first" and first is None:
                first = time.perf_counter() - t0
            if ev.kind == "done":
                vol = ev.result.voxels
    elif mode == "peer":
        arrays = []
        for f in files:
            arrays.append(pydicom.dcmread(f).pixel_array)
            if first is None:
                first = time.perf_counter() - t0
        vol = np.stack(arrays)
        del arrays
    else:  # peer-0: decode and drop
        for f in files:
            a = pydicom.dcmread(f).pixel_array
            if first is None:
                first = time.perf_counter() - t0
        vol = a
    total = time.perf_counter() - t0
    print(json.dumps({"mode": mode, "first_s": first, "total_s": total, "peak_bytes": peak() - base,
                      "voxel_bytes": int(len(files) * vol.shape[-2] * vol.shape[-1] * 2)}))


def _child_scroll(folder: str, steps: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from viewer.views.reading import ReadingWidget

    app = QApplication.instance() or QApplication([])
    files = sorted(Path(folder).glob("*.dcm"))
    w = ReadingWidget()
    w.resize(1280, 1024)
    w.show()
    t0 = time.perf_counter()
    marks = {}
    w.first_image.connect(lambda: marks.setdefault("first", time.perf_counter() - t0))
    w.load(files)
    while not w.is_loaded():
        app.processEvents()
        time.sleep(0.002)
    marks["loaded"] = time.perf_counter() - t0
    app.processEvents()
    out = {"widget_first_s": marks.get("first"), "widget_loaded_s": marks["loaded"],
           "size": [w.width(), w.height()], "platform": app.platformName()}

    def run(view_name: str, key, n: int) -> float:
        view = w.mpr.views[view_name]
        view.setFocus()
        w.mpr.active = view_name
        app.processEvents()
        start = w.mpr.state.slice_index(view_name)
        t = time.perf_counter()
        for _ in range(n):
            QTest.keyClick(view, key)
            app.processEvents()  # paints the views that changed (every view: the crosshair moved)
        dt = time.perf_counter() - t
        assert w.mpr.state.slice_index(view_name) != start
        return n / dt

    w.mpr.set_slice("axial", 0)
    out["axial_slices_per_s"] = run("axial", Qt.Key.Key_Down, steps)
    w.mpr.set_slice("coronal", 100)
    out["coronal_slices_per_s"] = run("coronal", Qt.Key.Key_Down, min(steps, 150))
    w.set_mip(True, 10.0)
    w.mpr.set_slice("axial", 50)
    out["axial_mip10_slices_per_s"] = run("axial", Qt.Key.Key_Down, min(steps, 150))
    w.close()
    print(json.dumps(out))


def _child_dx(path: str, frames: int) -> None:
    """A 3000x3000 radiograph: open, then pan and zoom (each frame repainted)."""
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    from viewer.views.reading import ReadingWidget

    app = QApplication.instance() or QApplication([])
    w = ReadingWidget()
    w.resize(1280, 1024)
    w.show()
    t0 = time.perf_counter()
    w.load([Path(path)])
    while not w.is_loaded():
        app.processEvents()
        time.sleep(0.002)
    view = w.dx.view
    view.repaint()
    out = {"dx_shown_s": time.perf_counter() - t0}

    def idle(seconds: float = 0.4) -> None:  # a user pausing: lets the crisp redraw happen
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.01)

    def fps(step) -> float:
        idle()
        t = time.perf_counter()
        for n in range(frames):
            step(n)
            view.repaint()
            app.processEvents()
        return frames / (time.perf_counter() - t)

    def pan(n):
        view.pan += QPointF(3 if n % 40 < 20 else -3, 2 if n % 40 < 20 else -2)

    out["dx_pan_fit_fps"] = fps(pan)
    out["dx_zoom_fps"] = fps(lambda n: view.zoom_by(1.05 if n % 30 < 15 else 1 / 1.05))
    w.dx.one_to_one()
    out["dx_pan_1to1_fps"] = fps(pan)
    w.dx.fit()
    out["dx_window_fps"] = fps(lambda n: w.dx._window_drag(4 if n % 20 < 10 else -4, 0))
    w.close()
    print(json.dumps(out))


def _child_vtk_scroll(folder: str, steps: int) -> None:
    """The peer: VTK's own 2D slice viewer (vtkImageViewer2) on the same volume, same window size."""
    import numpy as np
    import vtk
    from vtk.util import numpy_support

    from viewer.logic.volume import load_series

    vol = load_series(sorted(Path(folder).glob("*.dcm")))
    nk, nj, ni = vol.voxels.shape
    img = vtk.vtkImageData()
    img.SetDimensions(ni, nj, nk)
    dk, dj, di = vol.geometry.spacing
    img.SetSpacing(di, dj, dk)
    arr = numpy_support.numpy_to_vtk(np.ascontiguousarray(vol.voxels).ravel(), deep=False,
                                     array_type=vtk.VTK_SHORT)
    img.GetPointData().SetScalars(arr)
    viewer = vtk.vtkImageViewer2()
    viewer.SetInputData(img)
    viewer.SetSliceOrientationToXY()
    viewer.SetColorWindow(1500)
    viewer.SetColorLevel(-600)
    viewer.SetSize(1280, 1024)
    viewer.GetRenderWindow().SetOffScreenRendering(os.environ.get("DISPLAY") is None)
    viewer.SetSlice(0)
    viewer.Render()
    t = time.perf_counter()
    n = min(steps, nk - 1)
    for k in range(1, n + 1):
        viewer.SetSlice(k)
        viewer.Render()
    dt = time.perf_counter() - t
    gl = viewer.GetRenderWindow().ReportCapabilities().splitlines()
    print(json.dumps({"vtk_axial_slices_per_s": n / dt,
                      "gl_renderer": next((ln.split(":", 1)[1].strip() for ln in gl if "OpenGL renderer" in ln), "?")}))


# ----------------------------------------------------------------------------------------- parent
def _run_child(args: list[str], xvfb: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--child", *args]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if xvfb:
        env.setdefault("QT_QPA_PLATFORM", "xcb")
        if not env.get("DISPLAY") and shutil.which("xvfb-run"):
            cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1200x24", *cmd]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def ensure_phantom(folder: Path, slices: int) -> Path:
    from ai_models.phantom import write_phantom

    if not (folder / "ground_truth.json").is_file() or len(list(folder.glob("*.dcm"))) != slices:
        shutil.rmtree(folder, ignore_errors=True)
        print(f"writing a {slices}-slice 512x512 CT phantom to {folder} (once) ...", flush=True)
        write_phantom(folder, seed=500, modality="CT", slices=slices, thickness_mm=0.8)
    return folder


def ensure_dx(folder: Path) -> Path:
    from ai_models.phantom import make_dx_image, write_dx_image

    out = folder / "DX0001.dcm"
    if not out.is_file():
        print(f"writing a 3000x3000 DX phantom to {folder} (once) ...", flush=True)
        img, _ = make_dx_image(seed=3, size=3000, pixel_mm=0.14)
        write_dx_image(img, 0.14, folder, "李^明", "BENCH3000", 3)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "tpacs-bench-ct500")
    ap.add_argument("--slices", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--steps", type=int, default=200, help="slices to scroll per measurement")
    ap.add_argument("--skip-scroll", action="store_true")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        kind = a.child[0]
        if kind == "load":
            _child_load(a.child[1], a.child[2])
        elif kind == "scroll":
            _child_scroll(a.child[1], int(a.child[2]))
        elif kind == "dx":
            _child_dx(a.child[1], int(a.child[2]))
        elif kind == "vtk":
            _child_vtk_scroll(a.child[1], int(a.child[2]))
        return 0

    folder = ensure_phantom(a.data, a.slices)
    files = sorted(folder.glob("*.dcm"))
    for f in files:  # page cache warm for everybody
        f.read_bytes()
    runs: dict[str, list[dict]] = {"tpacs": [], "peer": [], "peer-0": []}
    for _ in range(a.repeat):
        for mode in runs:  # interleaved, so machine noise hits all of them alike
            runs[mode].append(_run_child(["load", mode, str(folder)]))

    def med(mode, key):
        return statistics.median(r[key] for r in runs[mode])

    vb = runs["tpacs"][0]["voxel_bytes"]
    print(f"\nLoading {len(files)} CT slices 512x512 ({vb / 2**20:.0f} MiB of int16 voxels), "
          f"median of {a.repeat}, fresh process each:")
    print(f"{'':10s} {'first image':>12s} {'full volume':>12s} {'peak memory':>14s}")
    for mode in runs:
        print(f"{mode:10s} {med(mode, 'first_s'):11.3f}s {med(mode, 'total_s'):11.2f}s "
              f"{med(mode, 'peak_bytes') / 2**20:9.0f} MiB ({med(mode, 'peak_bytes') / vb:.2f}x voxels)")
    ratio = med("tpacs", "total_s") / med("peer", "total_s")
    print(f"full volume: tpacs/peer = {ratio:.2f}x (target <= 1.3x); "
          f"tpacs/peer-0 (decode only, keeps nothing) = {med('tpacs', 'total_s') / med('peer-0', 'total_s'):.2f}x")
    print(f"first image: {med('tpacs', 'first_s'):.3f} s (target <= 0.5 s)")
    print(f"memory: {med('tpacs', 'peak_bytes') / vb:.2f}x the voxel bytes (target <= 1.5x); "
          f"peer {med('peer', 'peak_bytes') / vb:.2f}x")
    if a.skip_scroll:
        return 0
    s = _run_child(["scroll", str(folder), str(a.steps)], xvfb=True)
    v = _run_child(["vtk", str(folder), str(min(a.steps, 30))], xvfb=True)  # ~1 frame/s: 30 is plenty
    print(f"\nReadingWidget {s['size'][0]}x{s['size'][1]} on Qt platform '{s['platform']}' "
          f"(Xvfb when no display was set):")
    print(f"  widget: first image {s['widget_first_s']:.3f} s, full volume {s['widget_loaded_s']:.2f} s "
          f"(loader thread + GUI)")
    print(f"  scrolling axial        {s['axial_slices_per_s']:6.1f} slices/s (target >= 30)")
    print(f"  scrolling coronal      {s['coronal_slices_per_s']:6.1f} slices/s")
    print(f"  scrolling axial MIP 10 {s['axial_mip10_slices_per_s']:6.1f} slices/s")
    print(f"  peer: VTK vtkImageViewer2 axial, same size, {v['gl_renderer']}: {v['vtk_axial_slices_per_s']:6.1f} slices/s")
    dx = ensure_dx(a.data.parent / "tpacs-bench-dx3000")
    d = _run_child(["dx", str(dx), "60"], xvfb=True)
    print(f"\nRadiograph 3000x3000 (12 bit) in the same widget:")
    print(f"  shown {d['dx_shown_s']:.2f} s after load(); pan at fit {d['dx_pan_fit_fps']:.1f} fps, "
          f"pan at 1:1 {d['dx_pan_1to1_fps']:.1f} fps, zoom steps {d['dx_zoom_fps']:.1f} fps, "
          f"window drag {d['dx_window_fps']:.1f} fps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
