"""A 3D map of the findings: the lungs as a translucent surface, the bones for orientation, each
finding as a sphere of its diameter, rendered by VTK in its own window (opened from the toolbar).

This is where VTK pays; the 2D slice views are drawn with QPainter, which is much faster under
software OpenGL. Surfaces (not ray casting) keep a frame well under a second on a clinic PC without a
GPU: the volume is subsampled to at most MAX_VOXELS, the lungs are the air inside the body (air
regions that do not touch the volume's border), the bones everything above BONE_HU. World
coordinates are patient LPS millimetres, so findings need no conversion.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget
from vtkmodules.qt.QVTKRenderWindowInteractor import QVTKRenderWindowInteractor
from vtkmodules.util import numpy_support
from vtkmodules.vtkCommonCore import VTK_SHORT, VTK_UNSIGNED_CHAR
from vtkmodules.vtkCommonDataModel import vtkImageData
from vtkmodules.vtkFiltersCore import vtkFlyingEdges3D, vtkWindowedSincPolyDataFilter
from vtkmodules.vtkFiltersSources import vtkSphereSource
from vtkmodules.vtkInteractionStyle import vtkInteractorStyleTrackballCamera
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper, vtkRenderer

import vtkmodules.vtkRenderingOpenGL2  # noqa: F401,E402  - registers the OpenGL render window

MAX_VOXELS = 4_000_000
AIR_HU = -400.0
BONE_HU = 300.0

def _image(arr: np.ndarray, volume, step: int, vtk_type) -> vtkImageData:
    g = volume.geometry
    img = vtkImageData()
    img.SetDimensions(arr.shape[2], arr.shape[1], arr.shape[0])
    img.SetOrigin(*g.origin)
    img.SetSpacing(g.spacing[2] * step, g.spacing[1] * step, g.spacing[0] * step)
    img.SetDirectionMatrix(*[float(v) for v in np.column_stack([g.row_dir, g.col_dir, g.normal]).ravel()])
    img.GetPointData().SetScalars(numpy_support.numpy_to_vtk(arr.ravel(), deep=True, array_type=vtk_type))
    return img


def lung_mask(vox: np.ndarray) -> np.ndarray:
    """Air inside the body: connected air regions that do not touch the sides of the volume."""
    from scipy import ndimage

    air = vox < AIR_HU
    labels, n = ndimage.label(air)
    if n == 0:
        return air
    border = np.unique(np.concatenate([labels[:, 0, :].ravel(), labels[:, -1, :].ravel(),
                                       labels[:, :, 0].ravel(), labels[:, :, -1].ravel()]))
    inside = air & ~np.isin(labels, border)
    return ndimage.binary_opening(inside, iterations=1)


def _surface(mask_or_vox: np.ndarray, level: float, volume, step: int, vtk_type, smooth: bool):
    contour = vtkFlyingEdges3D()
    contour.SetInputData(_image(mask_or_vox, volume, step, vtk_type))
    contour.SetValue(0, level)
    out = contour
    if smooth:
        sm = vtkWindowedSincPolyDataFilter()
        sm.SetInputConnection(contour.GetOutputPort())
        sm.SetNumberOfIterations(12)
        sm.SetPassBand(0.1)
        out = sm
    m = vtkPolyDataMapper()
    m.SetInputConnection(out.GetOutputPort())
    m.ScalarVisibilityOff()
    a = vtkActor()
    a.SetMapper(m)
    return a


class Volume3DView(QWidget):
    """Lungs (translucent), bones and the findings (yellow spheres) in 3D; drag to turn, wheel to zoom."""

    def __init__(self, volume, findings=(), parent=None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("3D")
        self.resize(700, 700)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.vtk_widget = QVTKRenderWindowInteractor(self)
        lay.addWidget(self.vtk_widget)
        self.renderer = vtkRenderer()
        self.renderer.SetBackground(0.05, 0.05, 0.08)
        self.vtk_widget.GetRenderWindow().AddRenderer(self.renderer)
        self.vtk_widget.SetInteractorStyle(vtkInteractorStyleTrackballCamera())
        nk, nj, ni = volume.shape
        self.step = max(1, math.ceil((nk * nj * ni / MAX_VOXELS) ** (1 / 3)))
        vox = np.ascontiguousarray(volume.voxels[::self.step, ::self.step, ::self.step])
        self.lungs = _surface(lung_mask(vox).astype(np.uint8) * 255, 127.5, volume, self.step,
                              VTK_UNSIGNED_CHAR, smooth=True)
        self.lungs.GetProperty().SetColor(0.55, 0.75, 1.0)
        self.lungs.GetProperty().SetOpacity(0.18)
        self.bones = _surface(vox.astype(np.int16), BONE_HU, volume, self.step, VTK_SHORT, smooth=False)
        self.bones.GetProperty().SetColor(0.95, 0.92, 0.85)
        self.bones.GetProperty().SetOpacity(0.35)
        for a in (self.bones, self.lungs):
            self.renderer.AddActor(a)
        self.finding_actors: list[vtkActor] = []
        self.set_findings(findings)
        self.reset_camera()

    def set_findings(self, findings) -> None:
        for a in self.finding_actors:
            self.renderer.RemoveActor(a)
        self.finding_actors = []
        for f in findings:
            src = vtkSphereSource()
            src.SetCenter(*[float(v) for v in f.center_lps_mm])
            src.SetRadius(max(float(f.diameter_mm) / 2, 1.0))
            src.SetThetaResolution(24)
            src.SetPhiResolution(16)
            m = vtkPolyDataMapper()
            m.SetInputConnection(src.GetOutputPort())
            a = vtkActor()
            a.SetMapper(m)
            a.GetProperty().SetColor(1.0, 0.85, 0.0)
            a.GetProperty().SetAmbient(0.4)
            self.renderer.AddActor(a)
            self.finding_actors.append(a)

    def reset_camera(self) -> None:
        """Seen from the front (anterior), head up, patient's right on screen left."""
        cam = self.renderer.GetActiveCamera()
        b = self.renderer.ComputeVisiblePropBounds()
        c = [(b[0] + b[1]) / 2, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2]
        cam.SetFocalPoint(*c)
        cam.SetPosition(c[0], c[1] - 1000.0, c[2])  # LPS: -y is anterior
        cam.SetViewUp(0, 0, 1)
        self.renderer.ResetCamera()

    def render(self) -> None:  # noqa: A003 - VTK's word
        self.vtk_widget.GetRenderWindow().Render()

    def world_to_display(self, lps) -> tuple[float, float]:
        """Widget pixel (x from the left, y from the top) of a patient point."""
        self.renderer.SetWorldPoint(float(lps[0]), float(lps[1]), float(lps[2]), 1.0)
        self.renderer.WorldToDisplay()
        x, y, _ = self.renderer.GetDisplayPoint()
        h = self.vtk_widget.GetRenderWindow().GetSize()[1]
        return x, h - 1 - y

    def frame(self) -> np.ndarray:
        """The last rendered frame as (rows, cols, 3) uint8, top row first."""
        from vtkmodules.vtkRenderingCore import vtkWindowToImageFilter

        f = vtkWindowToImageFilter()
        f.SetInput(self.vtk_widget.GetRenderWindow())
        f.ReadFrontBufferOff()
        f.Update()
        out = f.GetOutput()
        w, h, _ = out.GetDimensions()
        arr = numpy_support.vtk_to_numpy(out.GetPointData().GetScalars()).reshape(h, w, -1)[..., :3]
        return arr[::-1].copy()

    def closeEvent(self, e) -> None:  # noqa: N802
        self.vtk_widget.Finalize()
        super().closeEvent(e)
