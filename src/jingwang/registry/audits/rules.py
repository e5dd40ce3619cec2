"""The catalogue of audit rules, by stable name, in the order they run and are listed.

1. ``unfiled_site_connected`` (high)     6. ``sublet_too_deep`` (medium)
2. ``filing_revoked_or_expired`` (high)  7. ``unlicensed_reseller`` (high)
3. ``domain_not_in_filing`` (medium)     8. ``undeclared_ip_range`` (high)
4. ``holder_mismatch`` (medium)          9. ``landing_on_illegal_site`` (critical)
5. ``page_number_mismatch`` (high)

Rule names are stored in findings: never rename one.
"""

from __future__ import annotations

from typing import Any

from jingwang.registry.audits import chains, connected, landings
from jingwang.registry.audits.base import Rule

_ORDER = (
    "unfiled_site_connected",
    "filing_revoked_or_expired",
    "domain_not_in_filing",
    "holder_mismatch",
    "page_number_mismatch",
    "sublet_too_deep",
    "unlicensed_reseller",
    "undeclared_ip_range",
    "landing_on_illegal_site",
)
_ALL = {rule.name: rule for rule in (*connected.RULES, *chains.RULES, *landings.RULES)}
RULES: dict[str, Rule] = {name: _ALL[name] for name in _ORDER}

# For the UI and the API: name → severity, title and description in zh and en.
RULE_INFO: dict[str, dict[str, Any]] = {name: rule.describe() for name, rule in RULES.items()}

__all__ = ["RULES", "RULE_INFO"]
