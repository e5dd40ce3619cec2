"""The registry audits: nine named rules, findings de-duplicated across runs, incremental runs.

:func:`run_audit` runs the rules (:data:`RULES`, described for the UI in :data:`RULE_INFO`: zh
and en title and description, severity) on a date, full or incrementally, and reconciles the
findings (:mod:`.engine`). Rules are set-based SQL over what held on the date (:mod:`.connected`,
:mod:`.chains`, :mod:`.landings`); incremental runs re-check what changed (:mod:`.changes`).
"""

from jingwang.registry.audits.base import AuditScope, Hit, Rule
from jingwang.registry.audits.engine import Mode, authorize_audit, run_audit, select_rules
from jingwang.registry.audits.holders import normalise_holder, same_holder
from jingwang.registry.audits.rules import RULE_INFO, RULES

__all__ = [
    "RULES",
    "RULE_INFO",
    "AuditScope",
    "Hit",
    "Mode",
    "Rule",
    "authorize_audit",
    "normalise_holder",
    "run_audit",
    "same_holder",
    "select_rules",
]
