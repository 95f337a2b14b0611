"""Large test objects without large test data: a CT image whose Pixel Data is a sparse run of zeros."""
from __future__ import annotations

import io
import math
import struct
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"


def write_big_ct(path: Path, pixel_bytes: int, study_uid: str | None = None) -> Path:
    """A valid single-frame CT image (16-bit, square) with about `pixel_bytes` of pixel data; the file is
    sparse, so writing it costs no disk and no memory. Returns the path."""
    side = int(math.sqrt(pixel_bytes / 2))
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CT_IMAGE
    ds.SOPClassUID = CT_IMAGE
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = study_uid or generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientName, ds.PatientID, ds.Modality = "BIG^OBJECT", "BIG1", "CT"
    ds.Rows = ds.Columns = side
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 1
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    buf = io.BytesIO()
    pydicom.dcmwrite(buf, ds, enforce_file_format=True)
    n = side * side * 2
    path = Path(path)
    with open(path, "wb") as fh:
        fh.write(buf.getvalue())
        fh.write(struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OW", 0, n))
        fh.truncate(fh.tell() + n)  # a hole: zeros that take no space
    return path
