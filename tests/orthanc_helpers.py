"""A real Orthanc (Debian `orthanc`, 1.10) playing the county PACS in tests.

`running_orthanc(tmp_path, dicomweb=False, tls=None)` writes a temporary JSON config (storage in
tmp, free loopback ports, no remote access) and runs `Orthanc CONFIG`; it yields an `OrthancProc`
with `.dicom_port .http_port .aet .rest(path)` plus `.stop()` / `.start()` to simulate an outage
(same ports, same storage, so what arrived before the outage is still there afterwards).

`make_test_pki(folder)` makes, with the real `openssl`, a CA, a server certificate for 127.0.0.1 /
localhost, a client certificate signed by the CA, and a "wrong" client certificate from another CA.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ORTHANC_BIN = next((p for p in ("/usr/sbin/Orthanc", "/usr/bin/Orthanc") if Path(p).is_file()),
                   shutil.which("Orthanc"))
DICOMWEB_PLUGIN = next((p for p in ("/usr/share/orthanc/plugins/libOrthancDicomWeb.so",
                                    "/usr/lib/orthanc/libOrthancDicomWeb.so")
                        if Path(p).exists()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class OrthancProc:
    folder: Path
    config_path: Path
    dicom_port: int
    http_port: int
    aet: str = "COUNTY"
    proc: subprocess.Popen | None = None
    log_path: Path = field(default=None)  # type: ignore[assignment]
    auth: tuple[str, str] | None = None   # (user, password) when Orthanc's HTTP side needs a login
    https_ca: Path | None = None          # Orthanc's HTTP side speaks HTTPS with a certificate of this CA

    @property
    def base_url(self) -> str:
        return f"{'https' if self.https_ca else 'http'}://127.0.0.1:{self.http_port}"

    def rest(self, path: str, method: str = "GET", data: bytes | None = None,
             headers: dict | None = None, timeout: float = 30):
        """GET/POST/DELETE on Orthanc's REST API; JSON answers come back parsed."""
        headers = dict(headers or {})
        if self.auth:
            import base64

            headers["Authorization"] = "Basic " + base64.b64encode(":".join(self.auth).encode()).decode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        ctx = None
        if self.https_ca:
            import ssl

            ctx = ssl.create_default_context(cafile=str(self.https_ca))
        with urllib.request.urlopen(req, timeout=timeout, context=ctx) as resp:
            body = resp.read()
            if "json" in (resp.headers.get("Content-Type") or ""):
                return json.loads(body)
            return body

    def start(self, timeout: float = 60) -> None:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([ORTHANC_BIN, str(self.config_path)], stdout=log, stderr=subprocess.STDOUT,
                                     cwd=self.folder)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Orthanc exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.rest("/system", timeout=2)
                with socket.create_connection(("127.0.0.1", self.dicom_port), timeout=2):
                    return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Orthanc did not answer within {timeout} s:\n{self.log_tail()}")

    def stop(self, kill: bool = False) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    # Conveniences for assertions
    def instance_uids(self) -> list[str]:
        """SOP Instance UIDs of everything Orthanc holds."""
        out = []
        for oid in self.rest("/instances"):
            out.append(self.rest(f"/instances/{oid}/simplified-tags")["SOPInstanceUID"])
        return out


@contextlib.contextmanager
def running_orthanc(tmp_path: Path, dicomweb: bool = False, tls: dict | None = None, aet: str = "COUNTY",
                    extra: dict | None = None, https: dict | None = None):
    """A real Orthanc on free loopback ports.

    https: {"cert": server certificate PEM, "key": its key PEM, "ca": the CA that signed it}: the REST
    and DICOMweb side is reached over HTTPS only, through a TLS-terminating front end (as nginx stands in
    front of a county's Orthanc); Orthanc's own HTTP port then only listens on loopback behind it.
    (Orthanc's built-in "SslEnabled" of Debian's 1.10.1 crashes on its first HTTPS request here.)

    tls: {"cert": server certificate PEM, "key": its private key PEM, "trusted": PEM of the CA(s) /
    certificates a client must present, "require_client_cert": bool (default True)}.
    extra: more Orthanc settings, e.g. {"Jpeg2000TransferSyntaxAccepted": False}.
    """
    if ORTHANC_BIN is None:
        from tests.conftest import missing

        missing("Orthanc (Debian orthanc) is not installed")
    folder = Path(tmp_path) / f"orthanc-{_free_port()}"
    (folder / "db").mkdir(parents=True)
    cfg: dict = {
        "Name": "county-test",
        "StorageDirectory": str(folder / "db"),
        "IndexDirectory": str(folder / "db"),
        "DicomAet": aet,
        "DicomPort": _free_port(),
        "HttpPort": _free_port(),
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "DicomCheckCalledAet": False,
        "DicomAlwaysAllowStore": True,
        "UnknownSopClassAccepted": True,
        "HttpServerEnabled": True,
        "SaveJobs": False,
        "StorageCompression": False,
        "StableAge": 60,
        "Plugins": [],
        "DicomScpTimeout": 30,
    }
    if dicomweb:
        if DICOMWEB_PLUGIN is None:
            from tests.conftest import missing

            missing("Orthanc's DICOMweb plugin (Debian orthanc-dicomweb) is not installed")
        cfg["Plugins"] = [DICOMWEB_PLUGIN]
        cfg["DicomWeb"] = {"Enable": True, "Root": "/dicom-web/", "EnableWado": True}
    if tls:
        cfg.update({
            "DicomTlsEnabled": True,
            "DicomTlsCertificate": str(tls["cert"]),
            "DicomTlsPrivateKey": str(tls["key"]),
            "DicomTlsTrustedCertificates": str(tls["trusted"]),
            "DicomTlsRemoteCertificateRequired": bool(tls.get("require_client_cert", True)),
        })
    cfg.update(extra or {})
    config_path = folder / "orthanc.json"
    config_path.write_text(json.dumps(cfg, indent=2))
    users = cfg.get("RegisteredUsers") if cfg.get("AuthenticationEnabled") else None
    o = OrthancProc(folder=folder, config_path=config_path, dicom_port=cfg["DicomPort"],
                    http_port=cfg["HttpPort"], aet=aet, log_path=folder / "orthanc.log",
                    auth=next(iter(users.items())) if users else None)
    o.start()
    proxy = None
    try:
        if https:
            proxy = TlsFrontEnd(https["cert"], https["key"], o.http_port)
            o.https_ca, o.http_port = Path(https["ca"]), proxy.port
        yield o
    finally:
        if proxy is not None:
            proxy.close()
        o.stop(kill=True)  # its storage is thrown away; a clean stop takes Orthanc ~3 s


class TlsFrontEnd:
    """HTTPS on a free loopback port, forwarded as plain HTTP to `backend_port` (TLS 1.2+)."""

    def __init__(self, cert: Path, key: Path, backend_port: int):
        import ssl
        import threading

        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        self.ctx.load_cert_chain(str(cert), str(key))
        self.backend = backend_port
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self._threading = threading
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self._threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn) -> None:
        try:
            tls = self.ctx.wrap_socket(conn, server_side=True)
            back = socket.create_connection(("127.0.0.1", self.backend))
        except OSError:
            conn.close()
            return

        def pump(src, dst):
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        self._threading.Thread(target=pump, args=(back, tls), daemon=True).start()
        pump(tls, back)

    def close(self) -> None:
        self.sock.close()


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_test_pki(folder: Path) -> dict[str, Path]:
    """CA + server cert (127.0.0.1, localhost) + client cert, and a client cert from an unknown CA.

    Returns paths: ca, server_cert, server_key, client_cert, client_key, wrong_cert, wrong_key, wrong_ca.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ext = folder / "san.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                   "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n")

    def ca(name: str) -> None:
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem",
                 "-days", "2", "-subj", f"/CN={name}", "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)

    def leaf(name: str, signer: str) -> None:
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                 "-subj", f"/CN={name}", cwd=folder)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{signer}.pem", "-CAkey", f"{signer}.key",
                 "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", "san.ext", cwd=folder)

    ca("test-ca")
    ca("wrong-ca")
    leaf("server", "test-ca")
    leaf("client", "test-ca")
    leaf("wrong-client", "wrong-ca")
    return {"ca": folder / "test-ca.pem", "server_cert": folder / "server.pem", "server_key": folder / "server.key",
            "client_cert": folder / "client.pem", "client_key": folder / "client.key",
            "wrong_cert": folder / "wrong-client.pem", "wrong_key": folder / "wrong-client.key",
            "wrong_ca": folder / "wrong-ca.pem"}
