"""A report on scenarios as one self-contained HTML page: tables, figures, inputs, sources, version.

The page loads nothing: figures are PNG images inside it (``data:`` addresses), the style
sheet is inline and there is no script, so it opens offline and can be mailed as one
file. Sources are cited as text. ``sma-model report scenario.yaml -o report.html``
writes it from the command line.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sma_model._excel import as_yaml, record_sources
from sma_model._files import write_atomic
from sma_model._version import __version__
from sma_model.analysis.comparison import compare
from sma_model.analysis.projection import Projection, project
from sma_model.errors import OutputError
from sma_model.model.scenario import Scenario
from sma_model.plotting.payments import comparable_currencies, comparison_bars, payment_curves
from sma_model.plotting.record import history
from sma_model.plotting.style import STYLE, style_context
from sma_model.units import PLOT_UNITS, currency_name, plot_unit

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["REPORT_SUFFIXES", "build_report", "write_report"]

#: File name endings :func:`write_report` writes.
REPORT_SUFFIXES = (".html", ".htm")
#: Resolution of the embedded figures [dots per inch].
FIGURE_DPI = 110
#: Above this ratio of the largest to the smallest yearly payment, the payment chart has a
#: logarithmic axis, so a $5bn demand does not flatten the other scenarios.
LOG_SCALE_RATIO = 4.0
#: Each currency in words, for captions and alternative text: (the unit of the payment
#: chart's axis, the currency's name).
_SCALE_WORDS = {1e12: "trillions", 1e9: "billions", 1e6: "millions"}
_WORDS = {  # KRW: ("trillions of won", "won"), JPY: ("billions of yen", "yen"), USD: dollars, any new host's
    code: (f"{_SCALE_WORDS.get(scale, f'{scale:g}s')} of {currency_name(code)}", currency_name(code))
    for code, (scale, _) in PLOT_UNITS.items()
}

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans KR", sans-serif;
       color: #1a1a1a; background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; margin-top: 2rem; }
.meta, small, figcaption { color: #555; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.9rem; display: block;
        overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: right; vertical-align: top; }
th { background: #f3f3f3; }
table.sources { display: table; width: 100%; }
table.sources td, table.sources th { text-align: left; }
table.sources td:nth-child(-n+3) { white-space: nowrap; }
table.sources td:last-child { overflow-wrap: anywhere; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
summary { cursor: pointer; color: #333; }
pre { background: #f7f7f7; padding: 0.6rem; overflow-x: auto; font-size: 0.85rem; }
"""


def build_report(
    scenarios: Scenario | Sequence[Scenario],
    *,
    title: str | None = None,
    price_base_year: int | None = None,
    korean: bool = False,
) -> str:
    """One self-contained HTML page on scenarios: summary, figures, yearly tables, inputs, sources.

    Parameters
    ----------
    scenarios
        One scenario or several (unique names); with several, the first is the baseline
        of a comparison.
    title
        The page's heading; default "SMA payments: " and the scenario names.
    price_base_year
        The year whose prices real terms are in (see :func:`sma_model.project`).
    korean
        Amounts in tables in Korean units (``1조 5,192억 원``) instead of ``₩1.52 tn``.

    Returns
    -------
    str
        The HTML page. Amounts are in the host's currency and dollars as labelled (won
        [KRW] and [USD] for Korea, yen [JPY] and [USD] for Japan; only dollars for
        scenarios of several hosts, whose won and yen are not compared), rounded for
        reading (the Excel and CSV exports keep full values). Korea's record since 1991 is
        drawn only when every scenario is Korean. It loads nothing from elsewhere: figures
        are embedded PNG images with alternative text, and it holds no script.
    """
    batch = [scenarios] if isinstance(scenarios, Scenario) else list(scenarios)
    projection = project(batch, price_base_year=price_base_year)
    names = projection.names
    heading = title if title is not None else "SMA payments: " + ", ".join(names)
    written = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        f"<h1>{escape(heading)}</h1>",
        f'<p class="meta">sma_model {escape(__version__)} · written {written} · real terms in '
        f"{projection.price_base_year} prices</p>",
        '<section id="summary"><h2>Summary</h2>',
        projection.to_html(korean=korean),
    ]
    comparison = compare(projection) if len(names) > 1 else None
    if comparison is not None:
        parts.append(comparison.to_html(korean=korean))
    parts.append('</section><section id="figures"><h2>Figures</h2>')
    currencies = comparable_currencies(projection.plan.scenarios, projection.currencies)
    parts += _figures(projection, comparison, currencies[0])
    parts.append('</section><section id="yearly"><h2>Year by year</h2>')
    for currency in currencies:
        if f"payment_{currency.lower()}" in projection.frame:
            parts.append(_yearly_table(projection, currency, korean))
    parts.append('</section><section id="inputs"><h2>Inputs</h2>')
    parts.append(
        "<p>Each scenario as a scenario file: save one as <code>scenario.yaml</code> and run "
        f"<code>sma-model report scenario.yaml -o report.html</code> (sma_model {escape(__version__)}) "
        "to make this page again.</p>"
    )
    for scenario in batch:
        parts.append(
            f"<details open><summary><strong>{escape(scenario.name)}</strong> (scenario file, YAML)</summary>"
            f'<pre class="scenario">{escape(as_yaml(scenario.model_dump(mode="json")))}</pre></details>'
        )
    parts.append('</section><section id="sources"><h2>Sources</h2>')
    parts.append(_sources_table(projection))
    parts.append("</section>")
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="sma_model {escape(__version__)}">\n'
        f"<title>{escape(heading)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n"
        f"<footer><p><small>Made with sma_model {escape(__version__)} on {written}.</small></p></footer>\n"
        "</main>\n</body>\n</html>\n"
    )


def write_report(
    scenarios: Scenario | Sequence[Scenario],
    path: str | Path,
    *,
    title: str | None = None,
    price_base_year: int | None = None,
    korean: bool = False,
) -> Path:
    """Write :func:`build_report`'s page to ``path`` atomically (a crash never leaves half a file).

    Parameters
    ----------
    scenarios, title, price_base_year, korean
        As for :func:`build_report`.
    path
        Where to write; the name ends in ``.html`` or ``.htm``.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        A name with another ending, or the file cannot be written.
    """
    path = Path(path)
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise OutputError(
            f"cannot write {path}: a report's name ends in .html or .htm, not {path.suffix or 'nothing'!r}"
        )
    page = build_report(scenarios, title=title, price_base_year=price_base_year, korean=korean)
    write_atomic(path, page)
    return path


def _figures(projection: Projection, comparison: Any, currency: str) -> list[str]:
    """The report's figures as ``<figure>`` elements, each a PNG inside the page, in ``currency``."""
    names = ", ".join(projection.names)
    frame = projection.frame
    first, last = int(frame["year"].min()), int(frame["year"].max())
    column = f"payment_{currency.lower()}"
    paid = frame[column].to_numpy(dtype=float, na_value=np.nan) if column in frame else np.array([np.nan])
    log = bool(np.nanmin(paid) > 0 and np.nanmax(paid) / np.nanmin(paid) > LOG_SCALE_RATIO)
    scale = " on a logarithmic axis (equal steps are equal growth rates)" if log else ""
    unit, words = plot_unit(currency)[2], _WORDS[currency][0]
    korea = all(s.host == "korea" for s in projection.plan.scenarios)
    dots = "; dots are the published payments of the years before" if korea or currency != "USD" else ""
    out = [
        _figure(
            lambda ax: payment_curves(projection, ax=ax, currency=currency, log=log),
            f"Line chart: yearly payment in {words}{scale}, {first}-{last}, for {names}{dots}.",
            f"Yearly payments [{unit}, nominal]" + (", log scale" if log else ""),
        )
    ]
    if comparison is not None:
        out.append(
            _figure(
                lambda ax: comparison_bars(comparison, ax=ax, currency=currency),
                f"Bar chart: total payments in {words} over the compared years for {names}.",
                f"Totals over the compared years [{unit}, nominal]; baseline {comparison.baseline} in grey",
            )
        )
    if not korea:  # the record since 1991 is Korea's
        return out
    out.append(
        _figure(
            lambda ax: history(ax=ax, currency="USD", projection=projection),
            "Bar chart: every published yearly payment since 1991 in billions of dollars, each SMA's years "
            f"shaded, with the projection of {projection.names[0]} as a dashed line.",
            f"The record since 1991 and {projection.names[0]} [$ bn, nominal]",
        )
    )
    return out


def _figure(draw: Callable[[Axes], Any], alt: str, caption: str) -> str:
    """Draw on a new figure and return it as an embedded PNG.

    The figure is made outside any style context (:mod:`sma_model.plotting.style`), as a
    bare :class:`matplotlib.figure.Figure` sized and coloured from the package style; only
    its axes are made inside the style, so they take its colour cycle, spines and grid,
    and the plot function applies the rest while it draws. pyplot never holds the figure:
    it shows in no notebook and needs no closing.
    """
    import matplotlib
    from matplotlib.figure import Figure

    style = matplotlib.rc_params_from_file(STYLE, use_default_template=False)
    figure = Figure(
        figsize=style["figure.figsize"], facecolor=style["figure.facecolor"], layout="constrained"
    )
    with style_context():  # the axes take the style's colours, spines and grid when made
        ax = figure.add_subplot()
    draw(ax)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=FIGURE_DPI)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{encoded}" alt="{escape(alt)}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def _yearly_table(projection: Projection, currency: str, korean: bool) -> str:
    """Payments as a year × scenario table, in readable figures (``₩1.52 tn`` or ``1조 5,192억 원``)."""
    table = projection.table(currency=currency, text=True, korean=korean).rename_axis(columns=None)
    caption = f"<h3>Yearly payments in {_WORDS[currency][1]} (nominal)</h3>"
    return caption + table.to_html(classes="yearly", border=0)


def _sources_table(projection: Projection) -> str:
    """The sources of the record behind the figures (:func:`sma_model._excel.record_sources`)."""
    sources = record_sources(projection.inputs["scenarios"])
    if sources.empty:
        return "<p>No figure of the record is used: every term and assumption is the scenario's own.</p>"
    shown = pd.DataFrame(
        {
            "what": sources["kind"],
            "name": sources["name"],
            "year": ["" if pd.isna(y) else str(y) for y in sources["year"]],
            "source": sources["source"],
        }
    )
    intro = (
        "<p>Where the record's figures come from: the terms of each agreement the scenarios take "
        "from the record, its payments, and its macro series (CPI, defense budget, exchange rate) "
        "for the projected years and the two before, which fill every assumption a scenario "
        "does not give.</p>"
    )
    return intro + shown.to_html(index=False, classes="sources", border=0)
