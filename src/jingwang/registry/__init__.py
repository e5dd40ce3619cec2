"""The registry: sites, domains, ICP filings, connections and sublet edges, with history.

Every fact is valid on ``[valid_from, valid_to)``; changes close records and open new ones.
Eight record kinds can be imported from CSV or XLSX and exported (:func:`import_csv`,
:func:`export_csv`, :mod:`.exporting`): ``connection``, ``filing`` (ICP filings and licences),
``sublet``, ``site``, ``domain``, ``licence`` (operating licences), ``channel`` and
``sp_service``, each one module with one :class:`~.kinds.RecordKind`; connections can be asked
who connected a domain on a date (:func:`who_connected`).
"""

from jingwang.registry.csvfile import RowError
from jingwang.registry.errors import (
    AsOfRequired,
    BadMapping,
    OrgNotApplicable,
    UnknownRecordKind,
)
from jingwang.registry.exporting import export_csv
from jingwang.registry.history import (
    ConnectionFact,
    connection_history,
    connections_on,
    who_connected,
)
from jingwang.registry.importing import (
    KINDS,
    RECORD_KINDS,
    ImportMode,
    ImportOptions,
    ImportReport,
    import_csv,
)

__all__ = [
    "KINDS",
    "RECORD_KINDS",
    "AsOfRequired",
    "BadMapping",
    "ConnectionFact",
    "ImportMode",
    "ImportOptions",
    "ImportReport",
    "OrgNotApplicable",
    "RowError",
    "UnknownRecordKind",
    "connection_history",
    "connections_on",
    "export_csv",
    "import_csv",
    "who_connected",
]
