"""Forwarding over DICOMweb: STOW-RS multipart/related POSTs of the stored Part 10 files."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from dicom_node.forward.config import Destination
from dicom_node.forward.errors import Interrupted, SendError, with_sent
from dicom_node.jobs import Job, JobQueue
from dicom_node.tls import http_auth_headers, https_context


def stow_outcome(body: bytes) -> tuple[set[str], dict[str, str]]:
    """(stored SOP Instance UIDs, {failed UID: reason}) from a STOW-RS DICOM JSON response."""
    try:
        doc = json.loads(body or b"{}")
    except ValueError:
        return set(), {}
    if isinstance(doc, list):
        doc = doc[0] if doc else {}
    ok, failed = set(), {}
    for item in (doc.get("00081199") or {}).get("Value", []) or []:
        uid = ((item.get("00081155") or {}).get("Value") or [None])[0]
        if uid:
            ok.add(uid)
    for item in (doc.get("00081198") or {}).get("Value", []) or []:
        uid = ((item.get("00081155") or {}).get("Value") or [None])[0]
        reason = ((item.get("00081197") or {}).get("Value") or ["?"])[0]
        if uid:
            failed[uid] = f"failure reason 0x{int(reason):04X}" if isinstance(reason, int) else str(reason)
    return ok, failed


class StowSender:
    """Sends one job's instances to one STOW-RS destination, in batches of bounded size."""

    def __init__(self, cfg: dict, queue: JobQueue, stop: threading.Event):
        self.cfg = cfg
        self.fcfg = cfg.get("forwarding", {})
        self.queue = queue
        self.stop = stop

    @staticmethod
    def audit_info(dest: Destination, inst, result: str = "delivered") -> dict:
        return {"peer": dest.peer, "series_uid": inst.series_uid, "transfer_syntax": inst.transfer_syntax_uid,
                "result": result}

    def send(self, job: Job, dest: Destination, todo: list) -> int:
        url = dest.url.rstrip("/")
        if not url.endswith("/studies"):
            url += "/studies"
        limit = int(self.fcfg.get("stow_batch_mb", 32)) * 1024 * 1024
        timeout = float(self.fcfg.get("http_timeout_s", self.cfg.get("node", {}).get("network_timeout_s", 60)))
        ctx = https_context(dest.ca) if url.startswith("https://") else None
        n_sent, errors, i = 0, [], 0
        while i < len(todo):
            batch, size = [], 0
            while i < len(todo) and (not batch or size + todo[i].size <= limit):
                batch.append(todo[i])
                size += todo[i].size or 0
                i += 1
            if self.stop.is_set():
                raise Interrupted(n_sent)
            boundary = uuid.uuid4().hex
            parts = []
            for inst in batch:
                parts += [f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode(),
                          Path(inst.path).read_bytes(), b"\r\n"]
            parts.append(f"--{boundary}--\r\n".encode())
            headers = {"Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
                       "Accept": "application/dicom+json"}
            headers.update(http_auth_headers(dest.token, dest.username, dest.password))
            req = urllib.request.Request(url, data=b"".join(parts), method="POST", headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=timeout, context=ctx) as resp:
                    code, body = resp.status, resp.read()
            except urllib.error.HTTPError as exc:
                code, body = exc.code, exc.read()
                if code not in (202, 409):
                    raise with_sent(SendError(f"STOW-RS {url}: HTTP {code} {body[:200]!r}"), n_sent) from exc
            except (urllib.error.URLError, OSError) as exc:
                raise with_sent(SendError(f"STOW-RS {url}: {exc}"), n_sent) from exc
            ok, failed = stow_outcome(body)
            for inst in batch:
                uid = inst.sop_instance_uid
                if uid in failed:
                    self.queue.audit(job, uid, code, self.audit_info(dest, inst, result="refused"))
                    errors.append(f"{uid}: {failed[uid]}")
                elif uid in ok or (code == 200 and not ok):  # a 200 without a list means all stored
                    self.queue.record_delivery(job, uid, code, self.audit_info(dest, inst))
                    n_sent += 1
                else:
                    self.queue.audit(job, uid, code, self.audit_info(dest, inst, result="error"))
                    errors.append(f"{uid}: not in the STOW-RS response (HTTP {code})")
        if errors:
            raise with_sent(SendError(f"{len(errors)} instance(s) not stored by {url}: " + "; ".join(errors[:5])),
                            n_sent)
        return n_sent
