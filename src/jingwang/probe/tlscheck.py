"""TLS evidence: the chain a server presented, and whether it is valid, judged apart from fetching.

The prober connects with verification OFF, because a site with a broken certificate is exactly
the kind a reviewer needs captured. The chain the server sent is read from the TLS object
(:func:`presented_chain`) and judged by :class:`ChainJudge` with ``cryptography``'s X.509
verifier against the system trust store plus ``probe_ca_file``: the answer is recorded in
:class:`~jingwang.probe.types.TLSInfo` as ``valid`` and, when not, a plain ``problem``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import ssl
import warnings
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from jingwang.probe.types import CertInfo, TLSInfo

_SYSTEM_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt")


def presented_chain(ssl_object: ssl.SSLObject | ssl.SSLSocket) -> list[bytes]:
    """The DER certificates the server sent, leaf first (only the leaf where Python hides more)."""
    sslobj = getattr(ssl_object, "_sslobj", None)
    get_chain = getattr(sslobj, "get_unverified_chain", None)
    if get_chain is not None:
        chain = get_chain() or []
        der = [cert.public_bytes(ssl._ssl.ENCODING_DER) for cert in chain]  # type: ignore[attr-defined]
        if der:
            return der
    leaf = ssl_object.getpeercert(binary_form=True)
    return [leaf] if leaf else []


def _name(name: x509.Name) -> str:
    return name.rfc4514_string()


def cert_info(der: bytes) -> CertInfo:
    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = tuple(san.get_values_for_type(x509.DNSName)) + tuple(
            str(ip) for ip in san.get_values_for_type(x509.IPAddress)
        )
    except x509.ExtensionNotFound:
        names = ()
    return CertInfo(
        subject=_name(cert.subject),
        issuer=_name(cert.issuer),
        serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        sha256=hashlib.sha256(der).hexdigest(),
        der=der,
        dns_names=names,
    )


def _load_pem_file(path: Path) -> list[x509.Certificate]:
    try:
        with warnings.catch_warnings():  # some system roots have non-positive serials
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            return x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError):
        return []


@functools.cache
def system_anchors() -> tuple[x509.Certificate, ...]:
    """The system's trust anchors (the OpenSSL default CA file, else a known bundle)."""
    paths = [ssl.get_default_verify_paths().cafile, *_SYSTEM_BUNDLES]
    for path in paths:
        if path and Path(path).is_file():
            found = _load_pem_file(Path(path))
            if found:
                return tuple(found)
    return ()


class ChainJudge:
    """Judges presented chains against trust anchors; build once, use for many fetches."""

    def __init__(self, extra_ca_file: Path | None = None) -> None:
        anchors = list(system_anchors())
        if extra_ca_file is not None:
            anchors += _load_pem_file(extra_ca_file)
        self._store = Store(anchors) if anchors else None

    def judge(self, host: str, chain: list[bytes], now: dt.datetime) -> tuple[bool, str | None]:
        """``(valid, problem)`` for ``chain`` (DER, leaf first) presented for ``host``."""
        if not chain:
            return False, "the server presented no certificate"
        certs = [x509.load_der_x509_certificate(der) for der in chain]
        leaf = certs[0]
        if leaf.not_valid_after_utc < now:
            return False, f"certificate has expired (not after {leaf.not_valid_after_utc:%Y-%m-%d})"
        if leaf.not_valid_before_utc > now:
            return False, "certificate is not yet valid"
        if self._store is None:
            return False, "no trust anchors to verify against (no system CA bundle)"
        try:
            subject: x509.verification.Subject = x509.IPAddress(ipaddress.ip_address(host))
        except ValueError:
            subject = x509.DNSName(host)
        verifier = PolicyBuilder().store(self._store).time(now).build_server_verifier(subject)
        try:
            verifier.verify(leaf, certs[1:])
        except VerificationError as exc:
            return False, _problem(leaf, host, str(exc))
        return True, None


def _problem(leaf: x509.Certificate, host: str, detail: str) -> str:
    info = cert_info(leaf.public_bytes(Encoding.DER))
    if leaf.issuer == leaf.subject:
        return f"self-signed certificate ({detail})"
    if info.dns_names and not any(_matches(pattern, host) for pattern in info.dns_names):
        return f"certificate is for {', '.join(info.dns_names)}, not {host}"
    if "issuer" in detail.lower() or "candidates exhausted" in detail.lower():
        return f"certificate issued by an unknown authority: {info.issuer} ({detail})"
    return f"certificate chain is not valid: {detail}"


def _matches(pattern: str, host: str) -> bool:
    pattern, host = pattern.lower(), host.lower()
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return pattern == host


def tls_info(
    ssl_object: ssl.SSLObject | ssl.SSLSocket, host: str, judge: ChainJudge, now: dt.datetime
) -> TLSInfo:
    """Everything the handshake showed, with the chain's validity for ``host``."""
    chain = presented_chain(ssl_object)
    valid, problem = judge.judge(host, chain, now)
    cipher = ssl_object.cipher()
    return TLSInfo(
        version=ssl_object.version() or "",
        cipher=cipher[0] if cipher else "",
        valid=valid,
        problem=problem,
        chain=tuple(cert_info(der) for der in chain),
    )


__all__ = ["ChainJudge", "cert_info", "presented_chain", "system_anchors", "tls_info"]
