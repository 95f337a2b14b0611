"""TLS per DICOM PS3.15 BCP 195 (RFC 9325): TLS 1.2 or newer, forward-secret AEAD suites, certificates
checked against a named CA. One place for both ends: the node's own SCP and its outgoing links."""
from __future__ import annotations

import ssl

# TLS 1.2 suites of the BCP 195 recommendation (TLS 1.3 suites are all acceptable and not affected).
BCP195_CIPHERS = "ECDHE+AESGCM:DHE+AESGCM:ECDHE+CHACHA20"


def _common(ctx: ssl.SSLContext, tls: dict) -> ssl.SSLContext:
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers(tls.get("ciphers") or BCP195_CIPHERS)
    if tls.get("ca"):
        ctx.load_verify_locations(cafile=tls["ca"])
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def client_context(tls: dict) -> ssl.SSLContext:
    """For connecting to a peer: its certificate must come from `ca`; ours is `cert`/`key` (if given)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if tls.get("cert"):
        ctx.load_cert_chain(certfile=tls["cert"], keyfile=tls.get("key") or None)
    ctx.check_hostname = bool(tls.get("verify_hostname", True))
    return _common(ctx, tls)


def server_context(tls: dict) -> ssl.SSLContext:
    """For the node's TLS listener: our `cert`/`key`; every peer must present a certificate from `ca`."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(certfile=tls["cert"], keyfile=tls.get("key") or None)
    return _common(ctx, tls)


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
