"""Errors of the registry package, each with a stable ``code``.

::

    InvalidInput
    ├── UnknownRecordKind       registry.unknown_kind     (import/export of an unknown kind)
    ├── BadMapping              registry.bad_mapping      (a --mapping file that cannot work)
    ├── AsOfRequired            registry.as_of_required   (a snapshot import without a date)
    ├── OrgNotApplicable        registry.org_not_applicable (--org for a kind no org owns)
    ├── FileTooLarge            registry.file_too_large   (more rows or bytes than allowed)
    ├── BadSpreadsheet          registry.bad_spreadsheet  (an XLSX file that cannot be read)
    ├── ImportRejected          registry.import_rejected  (the API: bad rows, nothing applied)
    ├── UnknownAuditRule        registry.unknown_rule     (an audit rule that does not exist)
    ├── UnknownFindingState     registry.unknown_state    (a finding state that does not exist)
    └── NoteRequired            registry.note_required    (marking a false positive without why)
    NotFound
    └── FindingNotFound         registry.finding_not_found (no finding with that id within reach)
    Conflict
    └── FindingStateConflict    registry.state_conflict   (a transition the state does not allow)

Bad rows in an import file are not errors: they are :class:`~.csvfile.RowError` values in the
:class:`~.importing.ImportReport`, so every one of them is reported, not just the first.
"""

from __future__ import annotations

from jingwang.errors import Conflict, InvalidInput, NotFound


class UnknownRecordKind(InvalidInput):
    code = "registry.unknown_kind"


class BadMapping(InvalidInput):
    code = "registry.bad_mapping"


class AsOfRequired(InvalidInput):
    code = "registry.as_of_required"


class OrgNotApplicable(InvalidInput):
    code = "registry.org_not_applicable"


class FileTooLarge(InvalidInput):
    code = "registry.file_too_large"


class BadSpreadsheet(InvalidInput):
    code = "registry.bad_spreadsheet"


class UnknownAuditRule(InvalidInput):
    code = "registry.unknown_rule"


class ImportRejected(InvalidInput):
    """Nothing was imported because of bad rows (the API's answer; ``details`` has them)."""

    code = "registry.import_rejected"


class UnknownFindingState(InvalidInput):
    code = "registry.unknown_state"


class NoteRequired(InvalidInput):
    code = "registry.note_required"


class FindingNotFound(NotFound):
    code = "registry.finding_not_found"


class FindingStateConflict(Conflict):
    code = "registry.state_conflict"


__all__ = [
    "AsOfRequired",
    "BadMapping",
    "BadSpreadsheet",
    "FileTooLarge",
    "FindingNotFound",
    "FindingStateConflict",
    "ImportRejected",
    "NoteRequired",
    "OrgNotApplicable",
    "UnknownAuditRule",
    "UnknownFindingState",
    "UnknownRecordKind",
]
