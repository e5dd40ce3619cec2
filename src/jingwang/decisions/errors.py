"""Errors of the decisions package, each with a stable ``code``.

::

    InvalidInput
    └── InvalidDecision        decisions.invalid        (unknown verdict or state, no reason)
    NotFound
    └── DecisionNotFound       decisions.not_found      (no decision with that id)
    Conflict
    ├── ContradictsDecision    decisions.contradicts    (legal vs a confirmed illegal verdict)
    └── AlreadyWithdrawn       decisions.already_withdrawn
"""

from __future__ import annotations

from jingwang.errors import Conflict, InvalidInput, NotFound


class InvalidDecision(InvalidInput):
    code = "decisions.invalid"


class DecisionNotFound(NotFound):
    code = "decisions.not_found"


class ContradictsDecision(Conflict):
    code = "decisions.contradicts"


class AlreadyWithdrawn(Conflict):
    code = "decisions.already_withdrawn"


__all__ = ["AlreadyWithdrawn", "ContradictsDecision", "DecisionNotFound", "InvalidDecision"]
