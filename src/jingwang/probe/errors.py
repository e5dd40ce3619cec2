"""The prober's errors. A refusal is not a failure: the guard said no before anything was sent.

Every refusal is a :class:`ProbeRefused` with its own stable code, so the CLI exits with
``REFUSED`` (10), the API answers 422 with the code, and a capture row keeps the code.
"""

from __future__ import annotations

from jingwang.errors import InvalidInput, JingwangError, NotFound


class ProbeError(JingwangError):
    code = "probe.error"


class ProbeRefused(ProbeError):
    """The SSRF guard refused a URL or an address; nothing was sent to it."""

    code = "probe.refused"


class SchemeForbidden(ProbeRefused):
    code = "probe.scheme_forbidden"


class PortForbidden(ProbeRefused):
    code = "probe.port_forbidden"


class AddressForbidden(ProbeRefused):
    code = "probe.address_forbidden"


class Unresolvable(ProbeRefused):
    code = "probe.unresolvable"


class URLForbidden(ProbeRefused):
    """A URL that cannot be probed as written (credentials in it, no host, too long…)."""

    code = "probe.url_forbidden"


class UnknownProfile(InvalidInput):
    code = "probe.unknown_profile"


class CampaignStateError(ProbeError):
    code = "probe.campaign_state"


class CaptureNotFound(NotFound):
    """No capture with that id, or none the actor may see (the two are not told apart)."""

    code = "probe.capture_not_found"


class EvidenceNotFound(NotFound):
    """The capture has no artefact of that kind (no screenshot of a WML page, …)."""

    code = "probe.evidence_not_found"


class ProbeJobNotFound(NotFound):
    """No probe job with that id that the caller asked for."""

    code = "probe.job_not_found"


__all__ = [
    "AddressForbidden",
    "CampaignStateError",
    "CaptureNotFound",
    "EvidenceNotFound",
    "PortForbidden",
    "ProbeError",
    "ProbeJobNotFound",
    "ProbeRefused",
    "SchemeForbidden",
    "URLForbidden",
    "UnknownProfile",
    "Unresolvable",
]
