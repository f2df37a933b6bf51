"""The command line's figures are laid out once and saved with the same pixels as ``savefig``.

``--plot`` draws on a ``Figure()`` with constrained layout and saves it through
:func:`sma_model._files.save_figure`, which runs the layout on the renderer that prints it
instead of drawing the figure twice (see ``_laid_out_once``). The pixels must be those
``savefig`` alone gives; any other figure (pyplot's, or with settings that lay it out
again) takes ``savefig``'s own path.
"""

from __future__ import annotations

import io

import matplotlib
import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.figure import Figure

from sma_model import cli
from sma_model._files import save_figure
from sma_model.analysis.projection import project
from sma_model.plotting.style import style_context
from sma_model.record import presets


def _cli_figure() -> Figure:
    """The figure of ``compare status-quo demand-5b --plot``: log scale, legend, title."""
    projection = project([presets.get("status-quo"), presets.get("demand-5b")])
    figure = Figure(figsize=(9, 5), layout="constrained")
    ax = figure.subplots()
    projection.plot(ax=ax, currency="KRW", log=True)
    ax.set_title("South Korea's SMA payments: scenarios")
    return figure


def _pixels(data: bytes) -> np.ndarray:
    return matplotlib.image.imread(io.BytesIO(data), format="png")


def _draws(figure: Figure) -> list[object]:
    """A list that grows by one at the end of each draw of ``figure``."""
    seen: list[object] = []
    figure.canvas.mpl_connect("draw_event", seen.append)
    return seen


def _saved(figure: Figure, tmp_path, name: str) -> bytes:
    path = save_figure(figure, tmp_path / name)
    return path.read_bytes()


def test_the_same_pixels_as_savefig_from_one_draw(tmp_path):
    with style_context():
        plain, fast = _cli_figure(), _cli_figure()
        plain_draws, fast_draws = _draws(plain), _draws(fast)
        buffer = io.BytesIO()
        plain.savefig(buffer, format="png", dpi=120)
        engine, dpi = fast.get_layout_engine(), fast.dpi
        data = _saved(fast, tmp_path, "fast.png")
    assert len(plain_draws) == 2 and len(fast_draws) == 1  # savefig lays out by drawing once more
    pixels = _pixels(data)
    assert pixels.shape == (600, 1080, 4)  # 5 x 9 in at 120 dpi
    assert np.array_equal(pixels, _pixels(buffer.getvalue()))
    # the figure is left as it was: its canvas, resolution and layout engine
    assert type(fast.canvas) is FigureCanvasBase and fast.dpi == dpi
    assert fast.get_layout_engine() is engine


def test_a_jpeg_has_the_same_pixels_too(tmp_path):
    with style_context():
        plain, fast = _cli_figure(), _cli_figure()
        buffer = io.BytesIO()
        plain.savefig(buffer, format="jpg", dpi=120)
        data = _saved(fast, tmp_path, "fast.jpg")
    assert data == buffer.getvalue()


@pytest.mark.parametrize("setting", [{"savefig.bbox": "tight"}, {"figure.constrained_layout.use": True}])
def test_settings_that_lay_out_again_take_savefigs_path(tmp_path, setting):
    with style_context(), matplotlib.rc_context(setting):
        plain, fast = _cli_figure(), _cli_figure()
        fast_draws = _draws(fast)
        buffer = io.BytesIO()
        plain.savefig(buffer, format="png", dpi=120)
        data = _saved(fast, tmp_path, "fast.png")
    assert len(fast_draws) == 2
    assert np.array_equal(_pixels(data), _pixels(buffer.getvalue()))


def test_a_pyplot_figure_takes_savefigs_path(tmp_path):
    figure, ax = plt.subplots(layout="constrained")
    ax.plot([2026, 2030], [1.52, 1.65])
    canvas, draws = figure.canvas, _draws(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120)
    assert len(draws) == 2
    data = _saved(figure, tmp_path, "pyplot.png")
    assert len(draws) == 4 and figure.canvas is canvas
    pixels = _pixels(data)
    assert pixels.shape == (576, 768, 4)  # pyplot's 4.8 x 6.4 in at 120 dpi
    assert np.array_equal(pixels, _pixels(buffer.getvalue()))


def test_compare_plot_writes_the_figure_it_drew(tmp_path, capsys):
    png = tmp_path / "compare.png"
    assert cli.main(["compare", "status-quo", "demand-5b", "--plot", str(png)]) == 0
    assert capsys.readouterr().out.endswith(f"wrote {png}\n")
    with style_context():
        buffer = io.BytesIO()
        _cli_figure().savefig(buffer, format="png", dpi=120)
    assert np.array_equal(matplotlib.image.imread(png), _pixels(buffer.getvalue()))
