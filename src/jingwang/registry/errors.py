"""Errors of the registry package, each with a stable ``code``.

::

    InvalidInput
    ├── UnknownRecordKind       registry.unknown_kind     (import/export of an unknown kind)
    ├── BadMapping              registry.bad_mapping      (a --mapping file that cannot work)
    ├── AsOfRequired            registry.as_of_required   (a snapshot import without a date)
    └── OrgNotApplicable        registry.org_not_applicable (--org for a kind no org owns)

Bad rows in an import file are not errors: they are :class:`~.csvfile.RowError` values in the
:class:`~.importing.ImportReport`, so every one of them is reported, not just the first.
"""

from __future__ import annotations

from jingwang.errors import InvalidInput


class UnknownRecordKind(InvalidInput):
    code = "registry.unknown_kind"


class BadMapping(InvalidInput):
    code = "registry.bad_mapping"


class AsOfRequired(InvalidInput):
    code = "registry.as_of_required"


class OrgNotApplicable(InvalidInput):
    code = "registry.org_not_applicable"


__all__ = ["AsOfRequired", "BadMapping", "OrgNotApplicable", "UnknownRecordKind"]
