"""Forwarding studies to the county PACS: routing, the worker threads, C-STORE SCU and STOW-RS.

`attach(node)` is called by Node.start(): it registers a ready-listener (the study is stable and its
AI is done, failed or skipped) that enqueues one Job per matching destination, and starts one worker
thread per destination plus a housekeeping thread (new instances in delivered studies, retention).

The queue itself (states, backoff, per-instance deliveries, history, audit) is dicom_node.jobs.
"""
from __future__ import annotations

import argparse
import json
import logging
import signal
import ssl
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, UID

from dicom_node.config import ConfigError
from dicom_node.jobs import Job, JobQueue

log = logging.getLogger(__name__)

UNCOMPRESSED = (ExplicitVRLittleEndian, ImplicitVRLittleEndian)
STORAGE_COMMITMENT = "1.2.840.10008.1.20.1"            # Storage Commitment Push Model SOP Class
STORAGE_COMMITMENT_INSTANCE = "1.2.840.10008.1.20.1.1"  # its well-known SOP Instance
MAX_CONTEXTS = 128  # PS3.8: presentation context IDs are odd numbers 1..255


# --------------------------------------------------------------------------------------- config
@dataclass
class Destination:
    name: str
    kind: str                      # "dicom" | "stow"
    ae_title: str = ""
    host: str = ""
    port: int = 0
    tls: dict | None = None        # {ca, cert, key, verify_hostname}
    url: str = ""
    username: str = ""
    password: str = ""
    token: str = ""
    ca: str = ""                   # for https STOW-RS with a private CA
    storage_commitment: bool = False  # DICOM: ask the county to commit (push model) after sending

    @property
    def peer(self) -> str:
        return self.url if self.kind == "stow" else f"{self.ae_title}@{self.host}:{self.port}"


@dataclass
class Rule:
    destination: str
    modalities: list[str] = field(default_factory=list)
    calling_ae: list[str] = field(default_factory=list)
    body_parts: list[str] = field(default_factory=list)

    def matches(self, study) -> bool:
        mods = {m.strip().upper() for m in (study.modalities or "").split("\\") if m.strip()}
        if self.modalities and not mods & {m.upper() for m in self.modalities}:
            return False
        if self.calling_ae and (study.calling_ae or "").strip() not in self.calling_ae:
            return False
        if self.body_parts and (study.body_part or "").strip().upper() not in {b.upper() for b in self.body_parts}:
            return False
        return True


def _as_list(v) -> list[str]:
    if v is None or v == "":
        return []
    return [v] if isinstance(v, str) else [str(x) for x in v]


def parse_destinations(cfg: dict) -> dict[str, Destination]:
    """forwarding.destinations from the config, checked; a bad entry is a ConfigError naming it."""
    out: dict[str, Destination] = {}
    for i, d in enumerate(cfg.get("forwarding", {}).get("destinations", []) or []):
        where = f"forwarding.destinations[{i}]"
        if not isinstance(d, dict) or not d.get("name"):
            raise ConfigError(f"{where} needs a name")
        kind = d.get("kind", "dicom")
        if d["name"] in out:
            raise ConfigError(f"{where}: duplicate destination name {d['name']!r}")
        if kind == "dicom":
            if not d.get("ae_title") or not d.get("host") or not isinstance(d.get("port"), int):
                raise ConfigError(f"{where} ({d['name']}): a DICOM destination needs ae_title, host and port")
            tls = d.get("tls") or None
            if tls:
                for key in ("ca", "cert", "key"):
                    if tls.get(key) and not Path(tls[key]).is_file():
                        raise ConfigError(f"{where} ({d['name']}): tls.{key} file not found: {tls[key]}")
                if not tls.get("ca"):
                    raise ConfigError(f"{where} ({d['name']}): tls needs ca (the county's CA certificate)")
            out[d["name"]] = Destination(name=d["name"], kind="dicom", ae_title=d["ae_title"], host=d["host"],
                                         port=d["port"], tls=tls,
                                         storage_commitment=bool(d.get("storage_commitment", False)))
        elif kind == "stow":
            if not str(d.get("url", "")).startswith(("http://", "https://")):
                raise ConfigError(f"{where} ({d['name']}): a STOW-RS destination needs url = http(s)://...")
            out[d["name"]] = Destination(name=d["name"], kind="stow", url=d["url"], username=d.get("username", ""),
                                         password=d.get("password", ""), token=d.get("token", ""), ca=d.get("ca", ""))
        else:
            raise ConfigError(f"{where} ({d['name']}): kind must be 'dicom' or 'stow', got {kind!r}")
    return out


def parse_rules(cfg: dict, destinations: dict[str, Destination]) -> list[Rule]:
    """forwarding.rules; none at all means every study goes to every destination."""
    rules = []
    for i, r in enumerate(cfg.get("forwarding", {}).get("rules", []) or []):
        dest = r.get("destination")
        if dest not in destinations:
            raise ConfigError(f"forwarding.rules[{i}]: unknown destination {dest!r}")
        rules.append(Rule(dest, _as_list(r.get("modalities")), _as_list(r.get("calling_ae")),
                          _as_list(r.get("body_parts"))))
    if not rules:
        rules = [Rule(name) for name in destinations]
    return rules


# --------------------------------------------------------------------------------------- sending
class SendError(Exception):
    """The attempt failed (peer unreachable, association refused, some instances refused)."""


def _status_result(status: int) -> str | None:
    """'delivered' / 'duplicate' / 'warning' for codes that count as delivered, else None."""
    if status == 0x0000:
        return "delivered"
    if status == 0x0111:
        return "duplicate"
    if 0xB000 <= status <= 0xBFFF or status in (0x0001, 0x0107, 0x0116):
        return "warning"
    return None


def tls_context(tls: dict) -> ssl.SSLContext:
    """A client context per BCP 195: TLS 1.2 or newer, the county's CA, our client certificate."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    # TLS 1.2 suites of the BCP 195 (RFC 9325) recommendation: forward secrecy + AEAD only.
    # (TLS 1.3 suites are all acceptable and are not affected by this list.)
    ctx.set_ciphers(tls.get("ciphers") or "ECDHE+AESGCM:DHE+AESGCM:ECDHE+CHACHA20")
    ctx.load_verify_locations(cafile=tls["ca"])
    if tls.get("cert"):
        ctx.load_cert_chain(certfile=tls["cert"], keyfile=tls.get("key") or None)
    ctx.check_hostname = bool(tls.get("verify_hostname", True))
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def scu_ae(cfg: dict):
    """An AE calling out as this node (its AE title and its [node] timeouts): forwarding, and the county
    station's Q/R sources."""
    from pynetdicom import AE

    node = cfg.get("node", {})
    ae = AE(ae_title=node.get("ae_title", "TPACS"))
    ae.acse_timeout = node.get("acse_timeout_s", 30)
    ae.dimse_timeout = node.get("dimse_timeout_s", 60)
    ae.network_timeout = node.get("network_timeout_s", 60)
    ae.connection_timeout = node.get("acse_timeout_s", 30)
    return ae


def https_context(ca: str = "") -> ssl.SSLContext:
    """The client context for https (STOW-RS, and the county station's DICOMweb sources): TLS 1.2 or newer,
    the system's CAs or the given CA file (a county's private certificate)."""
    ctx = ssl.create_default_context(cafile=ca or None)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def http_auth_headers(token: str = "", username: str = "", password: str = "") -> dict[str, str]:
    """The Authorization header of a DICOMweb peer: bearer token, else basic auth, else none."""
    if token:
        return {"Authorization": f"Bearer {token}"}
    if username:
        import base64

        cred = base64.b64encode(f"{username}:{password}".encode()).decode()
        return {"Authorization": f"Basic {cred}"}
    return {}


class Forwarder:
    def __init__(self, cfg: dict, archive, clock: Callable[[], float] = time.time):
        self.cfg = cfg
        self.fcfg = cfg.get("forwarding", {})
        self.archive = archive
        self.destinations = parse_destinations(cfg)
        self.rules = parse_rules(cfg, self.destinations)
        self.queue = JobQueue(archive.db_path, self.fcfg, clock=clock)
        self.clock = clock
        self._stop = threading.Event()
        self._wake = {name: threading.Event() for name in self.destinations}
        self._threads: list[threading.Thread] = []
        self._last_retention = 0.0
        self._local = threading.local()  # per worker thread: delivery records waiting for the next send

    # -- routing
    def route(self, study) -> list[str]:
        names = []
        for rule in self.rules:
            if rule.destination not in names and rule.matches(study):
                names.append(rule.destination)
        return names

    def on_study_ready(self, study_uid: str, reason: str = "ready") -> list[Job]:
        """Ready-listener: one job per destination the rules pick, unless it already has everything."""
        study = self.archive.study(study_uid)
        if study is None or not self.fcfg.get("enabled", True):
            return []
        jobs = []
        names = self.route(study)
        if not names:
            return []
        uids = {i.sop_instance_uid for i in self.archive.instances(study_uid=study_uid)}
        for name in names:
            if uids and uids <= self.queue.delivered_uids(name, study_uid):
                continue
            jobs.append(self.queue.enqueue(study_uid, name, reason=reason))
            self._wake[name].set()
        if jobs:
            self._update_study(study_uid)
        return jobs

    def _update_study(self, study_uid: str) -> None:
        state, detail = self.queue.study_summary(study_uid)
        if state:
            try:
                self.archive.set_forward_state(study_uid, state, detail)
            except Exception:  # the job table is the truth; the study row is a convenience
                log.exception("could not set forward state of %s", study_uid)

    # -- the worker
    def run_once(self, destination: str | None = None) -> Job | None:
        """Take one due job (of one destination) and attempt it; returns the job afterwards."""
        claimed = self.queue.claim(destination)
        if claimed is None:
            return None
        job, attempt_id = claimed
        self._local.tls_version = ""
        self._update_study(job.study_uid)
        dest = self.destinations.get(job.destination)
        n_sent = 0
        try:
            if dest is None:
                raise SendError(f"destination {job.destination!r} is no longer in the config")
            done = self.queue.delivered_uids(dest.name, job.study_uid)
            instances = [i for i in self.archive.instances(study_uid=job.study_uid)]
            todo = [i for i in instances if i.sop_instance_uid not in done]
            self.queue.set_total(job, len(instances), len(instances) - len(todo))
            if todo:
                sender = self._send_dicom if dest.kind == "dicom" else self._send_stow
                n_sent = sender(job, dest, todo)
            if dest.storage_commitment:
                self._request_commitment(job, dest)
            job = self.queue.finish(job, attempt_id, n_sent)
            log.info("job %d: study %s delivered to %s (%d sent)", job.id, job.study_uid, job.destination, n_sent)
        except _Interrupted as exc:
            job = self.queue.interrupt(job, attempt_id, exc.n_sent)
        except Exception as exc:  # any failure is a failed attempt, never a dead worker
            n_sent = getattr(exc, "n_sent", n_sent)
            msg = str(exc) or exc.__class__.__name__
            job = self.queue.fail(job, attempt_id, msg, n_sent)
            log.warning("job %d: sending %s to %s failed (attempt %d, %s): %s", job.id, job.study_uid,
                        job.destination, job.attempts, job.state, msg)
        self._update_study(job.study_uid)
        return job

    def _audit_info(self, dest: Destination, inst, ts: str = "", result: str = "delivered") -> dict:
        peer = dest.peer + (f" ({self._local.tls_version})" if getattr(self._local, "tls_version", "") else "")
        return {"peer": peer, "series_uid": inst.series_uid, "transfer_syntax": ts or inst.transfer_syntax_uid,
                "result": result}

    def _send_dicom(self, job: Job, dest: Destination, todo: list) -> int:
        """C-STORE: one association per study (more only beyond 128 presentation contexts)."""
        from pynetdicom import _config

        # Stream stored files as they are (no decode/re-encode) when the peer accepts their syntax.
        _config.STORE_SEND_CHUNKED_DATASET = True
        # Contexts: each (SOP class, stored syntax) as stored, plus uncompressed per SOP class.
        wanted: dict[str, list[str]] = {}
        for inst in todo:
            ts = wanted.setdefault(inst.sop_class_uid, [])
            if inst.transfer_syntax_uid not in UNCOMPRESSED and inst.transfer_syntax_uid not in ts:
                ts.append(inst.transfer_syntax_uid)
        # A SOP class's contexts always stay together, so each instance goes in exactly one association.
        batches: list[list[tuple[str, list[str]]]] = [[]]
        for sop_class, tss in wanted.items():
            group = [(sop_class, [ts]) for ts in tss[:MAX_CONTEXTS - 1]] + [(sop_class, list(UNCOMPRESSED))]
            if len(batches[-1]) + len(group) > MAX_CONTEXTS:
                batches.append([])
            batches[-1] += group
        n_sent, errors = 0, []
        for batch in batches:
            classes = {c[0] for c in batch}
            part = [i for i in todo if i.sop_class_uid in classes]
            ae = self._make_ae(dest)
            for sop_class, tss in batch:
                ae.add_requested_context(sop_class, tss)
            kwargs = {}
            if dest.tls:
                kwargs["tls_args"] = (tls_context(dest.tls), dest.host)
            try:
                assoc = ae.associate(dest.host, dest.port, ae_title=dest.ae_title, **kwargs)
            except ssl.SSLError as exc:
                raise SendError(f"TLS with {dest.peer} failed: {exc}") from exc
            self._local.tls_version = ""
            if dest.tls and assoc.is_established:  # the audit says how it left: e.g. TLSv1.3
                try:
                    self._local.tls_version = assoc.dul.socket.socket.version() or ""
                except AttributeError:
                    pass
            if not assoc.is_established:
                why = "rejected" if assoc.is_rejected else "aborted" if assoc.is_aborted else "failed"
                raise _with_sent(SendError(f"association with {dest.peer} {why} (unreachable, refused or TLS "
                                           "handshake failed)"), n_sent)
            try:
                # The fast sender records instance k while instance k+1 is on the wire (hides the
                # SQLite commit behind the county's work); the other path records at once.
                fast = self._fast_ok(assoc)
                if fast:  # paused once for the whole study, not once per instance
                    _pause_reactor(assoc)
                for inst in part:
                    if self._stop.is_set():
                        raise _Interrupted(n_sent)
                    try:
                        status, ts = self._store_one(assoc, inst)
                    except _NoContext as exc:  # this one cannot go; the others still do
                        self.queue.audit(job, inst.sop_instance_uid, None,
                                         self._audit_info(dest, inst, result="refused"))
                        errors.append(f"{inst.sop_instance_uid}: {exc}")
                        continue
                    if status is None:
                        # it left, but no answer came: logged, and sent again on the next attempt
                        self.queue.audit(job, inst.sop_instance_uid, None, self._audit_info(dest, inst, ts, "error"))
                        raise _with_sent(SendError(f"{dest.peer} dropped the association after {n_sent} "
                                                   f"instances (no response to C-STORE)"), n_sent)
                    result = _status_result(status)
                    if result is not None:
                        self._deferred.append(lambda i=inst, st=status, a=self._audit_info(dest, inst, ts, result):
                                              self.queue.record_delivery(job, i.sop_instance_uid, st, a))
                        if not fast:
                            self._flush_deferred()
                        n_sent += 1
                    else:
                        self.queue.audit(job, inst.sop_instance_uid, status, self._audit_info(dest, inst, ts, "refused"))
                        errors.append(f"{inst.sop_instance_uid}: status 0x{status:04X}")
                    if not assoc.is_established:
                        raise _with_sent(SendError(f"{dest.peer} dropped the association after {n_sent} "
                                                   "instances"), n_sent)
            finally:
                self._flush_deferred()
                assoc._reactor_checkpoint.set()
                if assoc.is_established:
                    assoc.release()
        if errors:
            raise _with_sent(SendError(f"{len(errors)} instance(s) refused by {dest.peer}: " + "; ".join(errors[:5])),
                             n_sent)
        return n_sent

    def _store_one(self, assoc, inst) -> tuple[int | None, str]:
        """Send one stored file: as stored if accepted, else decompressed; (status or None, syntax used)."""
        import pydicom

        stored = UID(inst.transfer_syntax_uid)
        accepted = [cx for cx in assoc.accepted_contexts if cx.abstract_syntax == inst.sop_class_uid]
        syntaxes = {cx.transfer_syntax[0] for cx in accepted}
        if stored in syntaxes:
            used = stored
            if self._fast_ok(assoc):
                cx = next(cx for cx in accepted if cx.transfer_syntax[0] == stored)
                return (_fast_c_store(assoc, cx.context_id, inst, self._next_msg_id(), self._flush_deferred),
                        str(used))
            rsp = assoc.send_c_store(Path(inst.path))  # streamed from disk, bytes unchanged
        elif syntaxes & set(UNCOMPRESSED):
            ds = pydicom.dcmread(inst.path)
            if stored.is_compressed:
                ds.decompress()  # only because the peer accepts nothing else
            used = ExplicitVRLittleEndian if ExplicitVRLittleEndian in syntaxes else ImplicitVRLittleEndian
            rsp = assoc.send_c_store(ds)
        else:
            raise _NoContext(f"{assoc.acceptor.ae_title} accepts SOP class {inst.sop_class_uid} neither as "
                             f"{stored.name} nor uncompressed")
        if "Status" not in rsp:
            return None, str(used)
        return int(rsp.Status), str(used)

    @property
    def _deferred(self) -> list[Callable[[], None]]:
        if not hasattr(self._local, "deferred"):
            self._local.deferred = []
        return self._local.deferred

    def _flush_deferred(self) -> None:
        pending = self._deferred
        while pending:
            pending.pop(0)()

    def _make_ae(self, dest: Destination):
        return scu_ae(self.cfg)

    def _request_commitment(self, job: Job, dest: Destination) -> str | None:
        """N-ACTION (push model) for every delivered, not yet committed instance of the study.

        The county answers later with an N-EVENT-REPORT on its own association to this node's SCP
        (on_commitment_report); a request left unanswered expires after commitment_timeout_s."""
        from pydicom.dataset import Dataset
        from pydicom.uid import generate_uid

        uids = self.queue.uncommitted_uids(dest.name, job.study_uid)
        if not uids:
            return None
        classes = {i.sop_instance_uid: i for i in self.archive.instances(study_uid=job.study_uid)}
        ds = Dataset()
        ds.TransactionUID = generate_uid()
        refs = []
        for uid in sorted(uids):
            item = Dataset()
            item.ReferencedSOPClassUID = classes[uid].sop_class_uid if uid in classes else ""
            item.ReferencedSOPInstanceUID = uid
            refs.append(item)
        ds.ReferencedSOPSequence = refs
        ae = self._make_ae(dest)
        ae.add_requested_context(STORAGE_COMMITMENT, list(UNCOMPRESSED))
        kwargs = {"tls_args": (tls_context(dest.tls), dest.host)} if dest.tls else {}
        assoc = ae.associate(dest.host, dest.port, ae_title=dest.ae_title, **kwargs)
        if not assoc.is_established:
            raise SendError(f"storage commitment: association with {dest.peer} failed")
        try:
            status, _ = assoc.send_n_action(ds, 1, STORAGE_COMMITMENT, STORAGE_COMMITMENT_INSTANCE)
        finally:
            if assoc.is_established:
                assoc.release()
        code = int(status.Status) if status is not None and "Status" in status else None
        if code != 0x0000:
            raise SendError(f"storage commitment request refused by {dest.peer} "
                            f"({'no answer' if code is None else f'0x{code:04X}'})")
        self.queue.add_commitment(job, str(ds.TransactionUID), uids)
        self.queue.audit(job, "", code, {"peer": dest.peer, "result": f"commitment requested ({len(uids)})"})
        return str(ds.TransactionUID)

    def on_commitment_report(self, event):
        """EVT_N_EVENT_REPORT handler on the node's SCP: the county's storage commitment result."""
        try:
            info = event.event_information
            tuid = str(info.TransactionUID)
            ok = [str(i.ReferencedSOPInstanceUID) for i in info.get("ReferencedSOPSequence", [])]
            bad = [str(i.ReferencedSOPInstanceUID) for i in info.get("FailedSOPSequence", [])]
        except Exception as exc:
            log.warning("unreadable storage commitment report: %s", exc)
            return 0x0110, None
        row = self.queue.commitment_report(tuid, ok, bad)
        if row is None:
            log.warning("storage commitment report for an unknown transaction %s", tuid)
            return 0x0000, None
        log.info("storage commitment %s from %s: %d committed, %d failed", tuid, row["destination"], len(ok),
                 len(bad))
        if bad:  # the county lost some: send them again
            self.on_study_ready(row["study_uid"], reason="commitment failed")
        return 0x0000, None

    def _fast_ok(self, assoc) -> bool:
        """The batched sender writes to the socket itself: plain TCP only (an SSL object must not be
        written by one thread while pynetdicom's thread reads it), and only when switched on."""
        import socket as _socket

        if not self.fcfg.get("fast_send", True):
            return False
        sock = getattr(getattr(getattr(assoc, "dul", None), "socket", None), "socket", None)
        return type(sock) is _socket.socket and hasattr(assoc, "_reactor_checkpoint")

    def _next_msg_id(self) -> int:
        self._msg_id = getattr(self, "_msg_id", 0) % 65535 + 1
        return self._msg_id

    def _send_stow(self, job: Job, dest: Destination, todo: list) -> int:
        """STOW-RS: multipart/related POSTs of the stored Part 10 files, in batches of bounded size."""
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
            if self._stop.is_set():
                raise _Interrupted(n_sent)
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
                    raise _with_sent(SendError(f"STOW-RS {url}: HTTP {code} {body[:200]!r}"), n_sent) from exc
            except (urllib.error.URLError, OSError) as exc:
                raise _with_sent(SendError(f"STOW-RS {url}: {exc}"), n_sent) from exc
            ok, failed = _stow_outcome(body)
            for inst in batch:
                uid = inst.sop_instance_uid
                if uid in failed:
                    self.queue.audit(job, uid, code, self._audit_info(dest, inst, result="refused"))
                    errors.append(f"{uid}: {failed[uid]}")
                elif uid in ok or (code == 200 and not ok):  # a 200 without a list means all stored
                    self.queue.record_delivery(job, uid, code, self._audit_info(dest, inst))
                    n_sent += 1
                else:
                    self.queue.audit(job, uid, code, self._audit_info(dest, inst, result="error"))
                    errors.append(f"{uid}: not in the STOW-RS response (HTTP {code})")
        if errors:
            raise _with_sent(SendError(f"{len(errors)} instance(s) not stored by {url}: " + "; ".join(errors[:5])),
                             n_sent)
        return n_sent

    # -- threads
    def start(self) -> None:
        recovered = self.queue.recover()
        for jid in recovered:
            job = self.queue.get(jid)
            log.info("job %d (%s -> %s) was interrupted; resuming", jid, job.study_uid, job.destination)
            self._update_study(job.study_uid)
        try:
            self.catch_up()
        except Exception:
            log.exception("forwarding catch-up")
        for name in self.destinations:
            t = threading.Thread(target=self._worker, args=(name,), name=f"forward-{name}", daemon=True)
            t.start()
            self._threads.append(t)
        t = threading.Thread(target=self._housekeeping, name="forward-housekeeping", daemon=True)
        t.start()
        self._threads.append(t)

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        for ev in self._wake.values():
            ev.set()
        for t in self._threads:
            t.join(timeout)
        self._threads.clear()
        self.queue.close()

    def _worker(self, name: str) -> None:
        poll = float(self.fcfg.get("poll_s", 5))
        while not self._stop.is_set():
            try:
                job = self.run_once(name)
            except Exception:
                log.exception("forwarding worker %s", name)
                job = None
            if job is not None:
                continue
            due = self.queue.next_due_at(name)
            wait = poll if due is None else max(0.05, min(poll, due - self.clock()))
            self._wake[name].wait(wait)
            self._wake[name].clear()

    def _housekeeping(self) -> None:
        every = float(self.fcfg.get("rescan_s", 60))
        while not self._stop.wait(every):
            try:
                self.rescan()
                self.catch_up()
                self.expire_commitments()
                self.maybe_retention()
            except Exception:
                log.exception("forwarding housekeeping")

    def catch_up(self) -> list[Job]:
        """Ready studies that never got a job (the node died between "ready" and the enqueue): enqueue.

        Looks only at studies that became stable within forwarding.catch_up_days, so that adding a
        destination does not send the whole history of the archive."""
        horizon = self.clock() - float(self.fcfg.get("catch_up_days", 7)) * 86400
        jobs = []
        for st in self.archive.studies(limit=int(self.fcfg.get("rescan_jobs", 500))):
            if (st.stable_at and st.stable_at >= horizon and st.ai_state in ("done", "failed", "skipped")
                    and not st.forward_state and not self.queue.jobs(study_uid=st.study_uid, limit=1)):
                log.info("study %s was ready but never queued for forwarding; queuing it now", st.study_uid)
                jobs += self.on_study_ready(st.study_uid, reason="catch-up")
        return jobs

    def rescan(self) -> list[Job]:
        """Studies delivered earlier that got new instances since (a review SR, late images): send those."""
        jobs = []
        seen = set()
        for job in self.queue.jobs(states=["delivered"], limit=int(self.fcfg.get("rescan_jobs", 500))):
            if job.study_uid in seen:
                continue
            seen.add(job.study_uid)
            study = self.archive.study(job.study_uid)
            if study is None:
                continue
            if study.num_instances > len(self.queue.delivered_uids(job.destination, job.study_uid)):
                jobs += self.on_study_ready(job.study_uid, reason="new instances")
        return jobs

    def expire_commitments(self) -> list[Job]:
        """Ask again where the county never answered a storage commitment request."""
        jobs = []
        for row in self.queue.expire_commitments(float(self.fcfg.get("commitment_timeout_s", 3600))):
            log.warning("storage commitment %s (%s) unanswered; asking again", row["transaction_uid"],
                        row["destination"])
            jobs.append(self.queue.enqueue(row["study_uid"], row["destination"], reason="commitment expired"))
            if row["destination"] in self._wake:
                self._wake[row["destination"]].set()
        return jobs

    def maybe_retention(self) -> list[str]:
        rcfg = self.cfg.get("retention", {})
        if not rcfg.get("enabled"):
            return []
        now = self.clock()
        if now - self._last_retention < float(rcfg.get("interval_s", 3600)):
            return []
        self._last_retention = now
        from dicom_node.retention import apply_retention

        return apply_retention(self.archive, self.cfg, self, now=now)


def _pause_reactor(assoc) -> bool:
    """Stop pynetdicom's association reactor from taking our responses off the DIMSE queue (as its
    own send_c_store does). Returns False when it was already paused (by an outer caller)."""
    if not assoc._reactor_checkpoint.is_set():
        return False
    assoc._reactor_checkpoint.clear()
    while not assoc._is_paused:
        time.sleep(0.0001)
    return True


def _dataset_offset(data: bytes, path: Path) -> int:
    """Where the data set starts in a Part 10 file: after preamble, "DICM" and the File Meta group."""
    import struct

    if data[128:132] == b"DICM" and data[132:136] == b"\x02\x00\x00\x00" and data[136:138] == b"UL":
        return 144 + struct.unpack("<I", data[140:144])[0]
    from pynetdicom.dsutils import split_dataset

    return split_dataset(path)[1]


def _fast_c_store(assoc, context_id: int, inst, msg_id: int, meanwhile: Callable[[], None] | None = None) -> int | None:
    """C-STORE of a stored file with the P-DATA PDUs written straight to the socket in large batches.

    pynetdicom hands every P-DATA PDU (at most the peer's maximum length, often 16 KiB) to its
    reactor thread one by one; on a busy PC that thread hand-off, not the network, sets the pace.
    Here the file is read once and its data set (bytes unchanged) goes out in P-DATA PDUs of the
    negotiated size from this thread, a few MiB per sendall; the response still comes back through
    pynetdicom. P-DATA does not change the association's state, so its state machine is not bypassed.
    Returns the response status, or None when no response came (the association is then aborted).
    """
    import struct

    from pynetdicom.dimse_messages import C_STORE_RQ
    from pynetdicom.dimse_primitives import C_STORE
    from pynetdicom.dsutils import encode

    path = Path(inst.path)
    data = memoryview(path.read_bytes())
    offset = _dataset_offset(data.obj, path)
    req = C_STORE()
    req.MessageID = msg_id
    req.Priority = 2
    req.AffectedSOPClassUID = inst.sop_class_uid
    req.AffectedSOPInstanceUID = inst.sop_instance_uid
    req._dataset_path = (path, offset)  # marks "a data set follows" in the command set
    msg = C_STORE_RQ()
    msg.primitive_to_message(req)
    command = memoryview(encode(msg.command_set, True, True))
    dataset = data[offset:]
    max_pdu = assoc.acceptor.maximum_length or 0
    sock = assoc.dul.socket.socket
    parts: list = []
    size = 0

    def pdvs(payload: memoryview, more: int, last: int) -> None:
        """P-DATA-TF PDUs (type 04, length; one PDV item: length, context ID, control header, data)."""
        nonlocal size
        step = (max_pdu - 6) if max_pdu else max(len(payload), 1)
        n = len(payload)
        for i in range(0, max(n, 1), step):
            chunk = payload[i:i + step]
            flag = last if i + step >= n else more
            parts.append(struct.pack(">BBIIBB", 0x04, 0, len(chunk) + 6, len(chunk) + 2, context_id, flag))
            parts.append(chunk)
            size += len(chunk) + 12
            if size >= 4 << 20:
                flush()

    def flush() -> None:
        nonlocal size
        if parts:
            sock.sendall(b"".join(parts))
            parts.clear()
            size = 0

    paused = _pause_reactor(assoc)
    try:
        pdvs(command, 0x01, 0x03)
        pdvs(dataset, 0x00, 0x02)
        flush()
        if meanwhile is not None:  # our own bookkeeping, while the peer stores what we sent
            meanwhile()
        _, rsp = assoc.dimse.get_msg(block=True)
    except OSError:
        assoc.abort()
        return None
    finally:
        if paused:
            assoc._reactor_checkpoint.set()
    if rsp is None or getattr(rsp, "Status", None) is None:
        assoc.abort()
        return None
    return int(rsp.Status)


class _NoContext(Exception):
    """The peer accepted no presentation context this instance could be sent with."""


class _Interrupted(Exception):
    def __init__(self, n_sent: int = 0):
        super().__init__("interrupted (node stopping)")
        self.n_sent = n_sent


def _with_sent(exc: Exception, n_sent: int) -> Exception:
    exc.n_sent = n_sent  # type: ignore[attr-defined]
    return exc


def _stow_outcome(body: bytes) -> tuple[set[str], dict[str, str]]:
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


# --------------------------------------------------------------------------------------- node glue
def attach(node) -> Forwarder | None:
    """Called by Node.start(): forward each ready study per the routing rules, in worker threads."""
    cfg = getattr(node, "cfg", None) or getattr(node, "config")
    if not cfg.get("forwarding", {}).get("enabled", True):
        return None
    fw = Forwarder(cfg, node.archive)
    node.ready_listeners.append(fw.on_study_ready)
    node.forwarder = fw
    if any(d.storage_commitment for d in fw.destinations.values()):
        _accept_commitment_reports(node, fw.on_commitment_report)
    fw.start()
    return fw


def _accept_commitment_reports(node, handler) -> None:
    """Let the county's N-EVENT-REPORT in: the Storage Commitment context (the county acts as SCP,
    which it negotiates by role selection) and a handler on the node's SCP.

    Node.start() attaches forwarding before it starts its server, so the handler is added to the
    handlers that server starts with; with a server already running, it is bound to it."""
    from pynetdicom import evt

    server = getattr(node, "server", None)
    ae = getattr(node, "ae", None)
    if server is not None:
        if not any(cx.abstract_syntax == STORAGE_COMMITMENT for cx in server.contexts):
            from pynetdicom import AE

            tmp = AE()
            tmp.add_supported_context(STORAGE_COMMITMENT, list(UNCOMPRESSED), scu_role=True, scp_role=True)
            server.contexts.append(tmp.supported_contexts[0])
        server.bind(evt.EVT_N_EVENT_REPORT, handler)
    elif ae is not None:
        ae.add_supported_context(STORAGE_COMMITMENT, list(UNCOMPRESSED), scu_role=True, scp_role=True)
        start_server = ae.start_server

        def _start_server(address, *args, evt_handlers=None, **kwargs):
            handlers = list(evt_handlers or []) + [(evt.EVT_N_EVENT_REPORT, handler)]
            return start_server(address, *args, evt_handlers=handlers, **kwargs)

        ae.start_server = _start_server
    else:
        log.warning("storage commitment: the node has no DICOM server; county reports cannot be received")


def main(argv: list[str] | None = None) -> int:
    """`python -m dicom_node.forward --config FILE`: only the forwarding worker (no SCP, no AI)."""
    from dicom_node.archive import Archive
    from dicom_node.config import load_config, storage_path

    p = argparse.ArgumentParser(prog="python -m dicom_node.forward")
    p.add_argument("--config", type=Path)
    p.add_argument("--storage", type=Path)
    p.add_argument("--enqueue", action="append", default=[], help="a study UID to route and enqueue first")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = load_config(args.config, {"storage.path": str(args.storage) if args.storage else None})
    fw = Forwarder(cfg, Archive(storage_path(cfg)))
    for uid in args.enqueue:
        fw.on_study_ready(uid)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    fw.start()
    stop.wait()
    fw.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
