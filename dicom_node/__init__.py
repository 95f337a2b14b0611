"""DICOM networking, the archive (files + SQLite index), stable-study detection, jobs and forwarding."""
