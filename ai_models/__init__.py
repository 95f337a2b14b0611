"""GUI-free AI for township-pacs: lung-nodule detection, its model cards and its DICOM results."""
