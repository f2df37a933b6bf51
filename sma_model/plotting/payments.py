"""Payment curves of a projection and total bars of a comparison."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sma_model.errors import SMAModelError
from sma_model.plotting.style import new_axes, styled, whole_years
from sma_model.record.hosts import host
from sma_model.record.payments import payment_series, payments, published_payment
from sma_model.units import check_currency, either, payment_column, plot_unit

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sma_model.analysis.comparison import Comparison
    from sma_model.analysis.projection import Projection
    from sma_model.model.scenario import Scenario

__all__ = [
    "DASHES",
    "comparable_currencies",
    "comparison_bars",
    "line_style",
    "payment_curves",
    "scenario_currency",
]
_MONTHS = "January February March April May June July August September October November December".split()


def comparable_currencies(scenarios: Sequence[Scenario], currencies: Sequence[str]) -> list[str]:
    """The currencies scenarios can be shown and compared in.

    Parameters
    ----------
    scenarios
        The scenarios of a projection (``projection.plan.scenarios``).
    currencies
        The projection's currencies (``projection.currencies``: host currencies, then ``"USD"``).

    Returns
    -------
    list of str
        ``currencies`` when every scenario has one host (``["KRW", "USD"]`` for Korea,
        ``["JPY", "USD"]`` for Japan); ``["USD"]`` for several hosts, whose won and yen
        are not comparable.
    """
    return list(currencies) if len({s.host for s in scenarios}) <= 1 else ["USD"]


def scenario_currency(scenarios: Sequence[Scenario], allowed: Sequence[str], currency: str | None) -> str:
    """``currency`` checked against what scenarios can be shown in; the first allowed if None.

    Parameters
    ----------
    scenarios
        The scenarios shown (``projection.plan.scenarios``).
    allowed
        From :func:`comparable_currencies`.
    currency
        An ISO 4217 code in any case, or None.

    Returns
    -------
    str
        The upper-case code.

    Raises
    ------
    SMAModelError
        ``currency`` is not allowed. For Korea the message is "currency must be 'KRW' or
        'USD', not 'JPY'"; for other hosts it names each host, its scenarios and the
        currencies allowed (won for a Japan scenario is an error, never NaN).
    """
    if currency is None:
        return allowed[0]
    hosts = {s.host for s in scenarios}
    if hosts <= {"korea"} or str(currency).upper() in allowed:
        return check_currency(currency, allowed)
    which = "; ".join(
        f"host {h!r} ({host(h).currency}): " + ", ".join(repr(s.name) for s in scenarios if s.host == h)
        for h in dict.fromkeys(s.host for s in scenarios)
    )
    several = ", which are compared in dollars only" if len(hosts) > 1 else ""
    raise SMAModelError(
        f"currency={currency!r} does not fit these scenarios ({which}){several}; give {either(allowed)}"
    )


@styled
def payment_curves(
    projection: Projection,
    ax: Axes | None = None,
    currency: str | None = None,
    real: bool = False,
    show_record: bool = True,
    record_years: int = 10,
    log: bool = False,
    **line_kwargs: Any,
) -> Axes:
    """Yearly payments of each scenario, with the published record drawn in.

    Parameters
    ----------
    projection
        The result of :func:`sma_model.project`.
    ax
        Axes to draw on; a new figure if None.
    currency
        One of ``projection.currencies`` that every scenario has: ``"KRW"`` (in ₩ tn),
        ``"JPY"`` (in ¥ bn) or ``"USD"`` (in $ bn). Default the host's own (KRW for
        Korea, JPY for Japan), or USD for scenarios of several hosts.
    real
        Plot constant-price amounts (``projection.price_base_year`` prices).
    show_record
        Draw the published payments (nominal, in ``currency``; converted at the
        year's average rate where published in the other currency) and mark the last
        published year with a dotted vertical line. Korea's record is drawn only for
        Korean scenarios; another host's (Japan's yearly agreement amounts,
        :func:`~sma_model.record.payments.published_payment`) only in its own currency,
        and nothing for scenarios of several hosts.
    record_years
        How many published years before the projection to draw.
    log
        A logarithmic payment axis, fitted to the data: equal steps are equal growth
        rates, so a $5bn or $10bn demand does not flatten the status quo and a 13.9 %
        rise at the bottom of the chart. Ticks read as plain amounts (1, 2, 5, 10).
        Default a linear axis from zero.
    **line_kwargs
        Passed to ``Axes.plot`` for every scenario line; they override each line's own
        dash pattern and width (:func:`line_style`), which keep coinciding scenarios apart.

    Returns
    -------
    matplotlib.axes.Axes
    """
    scenarios = projection.plan.scenarios
    allowed = comparable_currencies(scenarios, projection.currencies)
    currency, scale, unit = plot_unit(scenario_currency(scenarios, allowed, currency))
    column = payment_column(projection.frame, currency, real, projection.notes, allowed=allowed)
    ax = new_axes(ax)
    for i, name in enumerate(projection.names):
        rows = projection.scenario(name)
        style = {**line_style(i, len(projection.names)), **line_kwargs}
        ax.plot(rows["year"], rows[column] / scale, label=name, **style)
    hosts = {s.host for s in scenarios} or {"korea"}  # a plan without scenarios is Korea's
    korea = hosts == {"korea"}
    record = (
        _record(hosts.pop(), currency, projection.frame["year"]) if show_record and len(hosts) == 1 else None
    )
    if record is not None:
        _draw_record(ax, record, int(projection.frame["year"].min()) - record_years, scale)
    price = f"{projection.price_base_year} prices" if real else "nominal"
    ax.set_ylabel(f"payment [{unit}, {price}]" + (", log scale" if log else ""))
    ax.set_xlabel(_year_label(scenarios))
    if log:
        _log_axis(ax)
    else:
        ax.set_ylim(bottom=0)
    left, _ = ax.get_xlim()
    projected_years = projection.frame["year"]
    ax.set_xlim(min(left, float(np.min(projected_years)) - 0.5), float(np.max(projected_years)) + 0.5)
    whole_years(ax)
    ax.legend(loc="upper left" if korea else "best")
    return ax


def _draw_record(ax: Axes, record: pd.Series, first: int, scale: float) -> None:
    """The published payments from ``first`` on as dots, and the record/projection boundary."""
    shown = record[record.index >= first]
    if not len(shown):
        return
    ax.plot(
        shown.index,
        shown.to_numpy() / scale,
        color="0.2",
        linestyle="none",
        marker="o",
        markersize=3.5,
        label="published",
        zorder=3,
    )
    last = int(record.attrs["last_published"])
    ax.axvline(last + 0.5, color="0.5", linestyle=":", linewidth=1)
    ax.annotate(
        "record | projection",
        xy=(last + 0.5, 0.02),
        xycoords=("data", "axes fraction"),
        ha="center",
        va="bottom",
        fontsize=8,
        color="0.4",
    )


def _record(country: str, currency: str, years: pd.Series) -> pd.Series | None:
    """The published payments to draw in ``currency``, with ``attrs["last_published"]``; None if none fits.

    Korea's record in won or dollars (:func:`~sma_model.record.payments.payment_series`);
    another host's yearly agreement amounts in its own currency only (its dollar figures
    would need its fiscal-year rates, which the record does not hold for every year).
    """
    if country == "korea":
        published = payments().dropna(subset=["payment_krw", "payment_usd"], how="all")
        series = payment_series(currency)
    elif currency == host(country).currency:
        found = {y: published_payment(y, country) for y in range(1990, int(years.max()) + 1)}
        series = pd.Series({y: m.amount for y, m in found.items() if m is not None}, dtype=float)
        published = pd.DataFrame({"year": series.index})
    else:
        return None
    if not len(published):
        return None
    series.attrs["last_published"] = int(published["year"].max())
    return series


def _year_label(scenarios: Sequence[Scenario]) -> str:
    """``"year"``, or how a host's fiscal years are labelled when one of them starts after January."""
    later = sorted({s.host for s in scenarios if host(s.host).fiscal_year_start_month != 1})
    if not later:
        return "year"
    months = {_MONTHS[host(h).fiscal_year_start_month - 1] for h in later}
    names = " and ".join(h.title() for h in later)
    return f"year ({names}: fiscal years from {' and '.join(sorted(months))}, by the year they start in)"


#: Dash patterns of successive scenario lines: solid, dashed, dash-dot, long dashes, dash-dot-dot.
#: None of them is dotted (``":"``), which marks the record/projection boundary.
DASHES: tuple[Any, ...] = ("-", (0, (5, 2)), (0, (6, 2, 1.5, 2)), (0, (10, 3)), (0, (6, 2, 1.5, 2, 1.5, 2)))


def line_style(position: int, count: int) -> dict[str, Any]:
    """The line of the ``position``-th of ``count`` scenarios: its dash pattern and width.

    Scenarios that pay the same for some years (the status quo and a lapse until the
    current deal ends) draw one line on top of another. Each scenario has its own dash
    pattern, and earlier lines are wider (from 2.8 down to 1.6 points), so where lines
    coincide the wider one shows around and between the dashes of the one on top.

    Parameters
    ----------
    position
        The scenario's position in the projection, from 0.
    count
        How many scenarios are drawn.

    Returns
    -------
    dict
        ``linestyle`` and ``linewidth`` [points] for ``Axes.plot``.
    """
    width = 2.8 - 1.2 * position / max(count - 1, 1)
    return {"linestyle": DASHES[position % len(DASHES)], "linewidth": round(width, 2)}


def _log_axis(ax: Axes) -> None:
    """A log y axis fitted to the drawn lines, ticked at 1, 1.5, 2, 3, 5, 7 x 10^n written out plainly."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    drawn = [line for line in ax.get_lines() if line.get_transform() == ax.transData]  # not the boundary
    values = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in drawn] or [np.empty(0)])
    values = values[np.isfinite(values) & (values > 0)]
    ax.set_yscale("log")
    if not len(values):
        return
    low, high = float(values.min()), float(values.max())
    bottom, top = low / 1.15, high * 1.15
    ax.set_ylim(bottom, top)
    decades = np.arange(np.floor(np.log10(bottom)), np.ceil(np.log10(top)) + 1)
    ticks = [m * 10**d for d in decades for m in (1, 1.5, 2, 3, 5, 7) if bottom <= m * 10**d <= top]
    if len(ticks) < 3:  # a narrow range: every step
        ticks = [m * 10**d for d in decades for m in range(1, 10) if bottom <= m * 10**d <= top]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1000 else f"{v:,.3g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


@styled
def comparison_bars(
    comparison: Comparison,
    ax: Axes | None = None,
    currency: str | None = None,
    difference: bool = False,
    **bar_kwargs: Any,
) -> Axes:
    """Total payments over the compared years per scenario, or their differences from the baseline.

    Parameters
    ----------
    comparison
        The result of :func:`sma_model.compare`.
    ax
        Axes to draw on; a new figure if None.
    currency
        One of ``comparison.currencies``: ``"KRW"`` (₩ tn), ``"JPY"`` (¥ bn) or ``"USD"``
        ($ bn); default the first (the host's own, or USD for several hosts).
    difference
        Draw each total minus the baseline's instead of the totals.
    **bar_kwargs
        Passed to ``Axes.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    scenarios = comparison.projection.plan.scenarios
    currency, scale, unit = plot_unit(scenario_currency(scenarios, comparison.currencies, currency))
    column = ("difference_" if difference else "total_") + currency.lower()
    summary = comparison.summary()
    if column not in summary or summary[column].isna().any():
        raise SMAModelError(f"{column} is not known for every scenario: {'; '.join(comparison.notes)}")
    values = summary[column] / scale
    ax = new_axes(ax)
    colors = ["0.55" if name == comparison.baseline else f"C{i}" for i, name in enumerate(values.index)]
    bars = ax.barh(list(values.index), values.to_numpy(), color=colors, **bar_kwargs)
    ax.bar_label(bars, fmt="{:,.1f}", padding=3, fontsize=8)
    ax.invert_yaxis()
    years = comparison.frame["year"]
    what = "difference from " + comparison.baseline if difference else "total"
    ax.set_xlabel(f"{what}, {int(years.min())}-{int(years.max())} [{unit}, nominal]")
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    return ax
