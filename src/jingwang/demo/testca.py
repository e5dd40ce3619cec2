"""A local test certificate authority for the sample web's HTTPS sites, the demo and tests.

:meth:`TestCA.create` writes a CA certificate and key (EC P-256: small and fast) to a folder;
:meth:`TestCA.issue` signs leaf certificates for names (wildcards too), and can make the
broken kinds the prober must still capture: expired, and self-signed (signed by the leaf's own
key, not by the CA). :class:`ServerTLS` turns issued files into a server ``ssl.SSLContext``,
choosing a certificate per SNI name when several are given.

Point ``probe_ca_file`` at :attr:`TestCA.cert_path` so the prober judges these chains valid.
Nothing here is for production: keys are written unencrypted.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9_.-]")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _san(names: list[str]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


@dataclass(frozen=True)
class TestCA:
    """A CA certificate and key on disk, able to issue leaf certificates."""

    __test__ = False  # not a pytest test class, despite the name

    cert_path: Path
    key_path: Path

    @classmethod
    def create(cls, directory: Path, *, name: str = "Jingwang Test CA") -> Self:
        directory.mkdir(parents=True, exist_ok=True)
        key = _new_key()
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = _utcnow()
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        ca = cls(directory / "ca.pem", directory / "ca-key.pem")
        ca.cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(key, ca.key_path)
        return ca

    def _load(self) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        cert = x509.load_pem_x509_certificate(self.cert_path.read_bytes())
        key = serialization.load_pem_private_key(self.key_path.read_bytes(), None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return cert, key

    def issue(
        self,
        names: list[str],
        directory: Path,
        *,
        expired: bool = False,
        self_signed: bool = False,
    ) -> tuple[Path, Path]:
        """Write a leaf certificate (chain: leaf then CA) and its key for ``names``.

        ``expired``: valid for a day, a year ago. ``self_signed``: issued and signed by itself.
        Returns ``(cert_pem_path, key_pem_path)``.
        """
        if not names:
            raise ValueError("a certificate needs at least one name")
        directory.mkdir(parents=True, exist_ok=True)
        ca_cert, ca_key = self._load()
        key = _new_key()
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
        issuer, signer = (subject, key) if self_signed else (ca_cert.subject, ca_key)
        now = _utcnow()
        start = now - dt.timedelta(days=366) if expired else now - dt.timedelta(days=1)
        end = now - dt.timedelta(days=365) if expired else now + dt.timedelta(days=825)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(_san(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        )
        if not self_signed:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
            )
        cert = builder.sign(signer, hashes.SHA256())
        stem = _UNSAFE_FILE_CHARS.sub("_", names[0].replace("*", "star"))
        stem += "-expired" if expired else ""
        stem += "-selfsigned" if self_signed else ""
        cert_path, key_path = directory / f"{stem}.pem", directory / f"{stem}-key.pem"
        chain = cert.public_bytes(serialization.Encoding.PEM)
        if not self_signed:
            chain += ca_cert.public_bytes(serialization.Encoding.PEM)
        cert_path.write_bytes(chain)
        _write_key(key, key_path)
        return cert_path, key_path

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this CA (for tests that talk to the servers directly)."""
        context = ssl.create_default_context(cafile=str(self.cert_path))
        return context


@dataclass
class ServerTLS:
    """Server certificates: a default pair and, optionally, one pair per SNI name."""

    cert_path: Path
    key_path: Path
    by_name: dict[str, tuple[Path, Path]] = field(default_factory=dict)

    def context(self) -> ssl.SSLContext:
        """A server ``SSLContext``; picks the ``by_name`` certificate for the client's SNI."""
        default = self._make(self.cert_path, self.key_path)
        if not self.by_name:
            return default
        contexts = {name.lower(): self._make(c, k) for name, (c, k) in self.by_name.items()}

        def choose(sock: ssl.SSLObject, name: str | None, _: ssl.SSLContext) -> None:
            chosen = contexts.get((name or "").lower())
            if chosen is not None:
                sock.context = chosen

        default.sni_callback = choose
        return default

    @staticmethod
    def _make(cert_path: Path, key_path: Path) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        return context


__all__ = ["ServerTLS", "TestCA"]
