"""Forwarding studies to the county PACS, one module per reason to change:

    config      forwarding.destinations -> Destination
    routing     forwarding.rules -> Rule, which destinations a study goes to
    dimse       C-STORE SCU (stored bytes unchanged; a batched P-DATA writer over plain TCP)
    stow        DICOMweb STOW-RS
    commitment  storage commitment, push model (N-ACTION out, the county's N-EVENT-REPORT in)
    worker      the Forwarder: jobs, worker threads, housekeeping, retention; attach(node)
    __main__    `python -m dicom_node.forward --config FILE`: only the forwarding worker

The queue itself (states, backoff, per-instance deliveries, history, audit) is dicom_node.jobs.
"""
