"""Fixtures for every prober test: the shared kit in :mod:`probekit` (DNS, test CA, settings)."""

from probekit import loopback_dns, probe_settings, test_ca

__all__ = ["loopback_dns", "probe_settings", "test_ca"]
