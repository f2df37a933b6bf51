"""The historical record shipped in ``data/``: agreements, payments, their execution, macro series, presets.

Every row of every file carries a ``source``. The files are validated when loaded
(types, unique years, sources present), so a broken file is a
:class:`~sma_model.errors.DataError` naming the file and the row, never a bad number.
``sma.history`` is this package under its earlier name.

The folder is ``data/`` at the top of a source checkout and ``sma_model/data`` inside
an installed wheel; :func:`data_dir` finds either.
"""

from __future__ import annotations

from sma_model._files import data_dir
from sma_model.record import _schema as _schema_module
from sma_model.record import agreements as _agreements_module
from sma_model.record import hosts as _hosts_module
from sma_model.record import macro as _macro_module
from sma_model.record import payments as _payments_module
from sma_model.record import presets
from sma_model.record.agreements import AgreementRecord, agreement, agreement_records, agreements
from sma_model.record.composition import composition
from sma_model.record.defense_gdp import defense_gdp
from sma_model.record.execution import execution
from sma_model.record.hosts import host_support
from sma_model.record.macro import macro, macro_series
from sma_model.record.payments import payment_series, payments, published_payment
from sma_model.record.support import support
from sma_model.record.troops import troops
from sma_model.record.us_costs import us_costs

__all__ = [
    "AgreementRecord",
    "agreement",
    "agreement_records",
    "agreements",
    "clear_cache",
    "composition",
    "data_dir",
    "defense_gdp",
    "execution",
    "host_support",
    "macro",
    "macro_series",
    "payment_series",
    "payments",
    "presets",
    "published_payment",
    "support",
    "troops",
    "us_costs",
]


def clear_cache() -> None:
    """Forget the record read so far, so the next call reads the files again."""
    for cached in (
        _agreements_module.agreement_records,
        _payments_module._payments,
        _macro_module._macro,
        _macro_module._macro_series,
        _hosts_module._macro_series,
        _payments_module._host_published,
        presets._presets,
        _schema_module.package,
        _schema_module._table,
    ):
        cached.cache_clear()
