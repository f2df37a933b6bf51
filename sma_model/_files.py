"""Files: safe YAML loading (size-, depth- and alias-limited), atomic writes, where the record lives."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from sma_model._declarations import DATA_ENV
from sma_model.errors import DataError, OutputError, YAMLInputError

__all__ = [
    "DATA_ENV",
    "MAX_YAML_CHARS",
    "MAX_YAML_DEPTH",
    "MAX_YAML_VALUES",
    "StrictLoader",
    "data_dir",
    "load_yaml",
    "save_figure",
    "write_atomic",
]


def data_dir() -> Path:
    """The folder holding ``agreements.yaml``, ``payments.csv`` and ``macro.csv``.

    The folder named by the environment variable ``SMA_MODEL_DATA`` (:data:`DATA_ENV`) if
    it is set; else, inside an installed wheel, ``sma_model/data``; in a source checkout
    (editable install), ``data/`` at the top of the repository.

    Raises
    ------
    DataError
        The folder ``SMA_MODEL_DATA`` names, or else both folders, hold no record.
    """
    override = os.environ.get(DATA_ENV)
    if override:
        if (Path(override) / "payments.csv").is_file():
            return Path(override)
        raise DataError(f"the historical record is missing: {DATA_ENV}={override!r} holds no payments.csv")
    packaged = Path(str(resources.files("sma_model"))) / "data"
    if (packaged / "payments.csv").is_file():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "payments.csv").is_file():
        return checkout
    raise DataError(f"the historical record is missing: looked in {packaged} and {checkout}")


#: Limits of :func:`load_yaml`. A scenario file is a few hundred values; these leave a
#: thousandfold margin and refuse a "billion laughs" (aliases of aliases that expand to
#: billions of values from a few hundred bytes) in milliseconds.
MAX_YAML_CHARS = 1_000_000
"""Longest YAML text read [characters]."""
MAX_YAML_DEPTH = 50
"""Deepest nesting of lists and mappings."""
MAX_YAML_VALUES = 100_000
"""Most values (scalars, lists, mappings) once every alias is expanded."""

_MERGE = "tag:yaml.org,2002:merge"


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that breaks a limit of :func:`load_yaml`."""


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping, and deep nesting.

    Plain YAML keeps the last of duplicate keys, so ``{2027: a, 2027: b}`` would silently
    drop a rule; here it is an error naming the line. Merge keys (``<<: *defaults``) are
    allowed: the mapping's own keys override the merged ones, as YAML specifies. A value
    that cannot be made (an integer of 5,000 digits, the date ``2001-13-45``) is an error
    naming its line, not a bare ``ValueError``.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise _Refused(
                    None,
                    None,
                    f"nested too deeply to be a scenario (more than {MAX_YAML_DEPTH} levels)",
                    mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError, TypeError) as exc:
            shown = repr(node.value)[:40] if isinstance(node, yaml.ScalarNode) else "this value"
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {shown}: {exc}", node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue  # merged keys may be overridden; flatten_mapping merges them
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # unhashable keys fail in the base class with their own message
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _expanded_size(root: yaml.Node) -> int:
    """How many values ``root`` holds once aliases are expanded (at most ``MAX_YAML_VALUES + 1``).

    Each node is visited once, so a billion laughs costs its size in bytes, not in laughs.
    """
    sizes: dict[int, int] = {}
    ancestors: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        children = _children(node)
        if finished:
            ancestors.discard(id(node))
            total = 1 + sum(sizes[id(child)] for child in children)
            sizes[id(node)] = min(total, MAX_YAML_VALUES + 1)
            continue
        if id(node) in sizes:
            continue
        if id(node) in ancestors:
            raise _Refused(None, None, "an alias refers to the value that holds it", node.start_mark)
        ancestors.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def load_yaml(text: str) -> object:
    """Parse YAML safely: no Python objects, no duplicate keys, bounded size.

    Refuses text longer than :data:`MAX_YAML_CHARS`, nesting deeper than
    :data:`MAX_YAML_DEPTH` and documents that expand (through aliases) to more than
    :data:`MAX_YAML_VALUES` values, before building them. Merge keys (``<<:``) work.

    Raises
    ------
    YAMLInputError
        Not valid YAML, or over a limit; names the line where it can.
    """
    if not isinstance(text, str):
        raise YAMLInputError(f"expected YAML text, not {type(text).__name__}")
    if len(text) > MAX_YAML_CHARS:
        raise YAMLInputError(
            f"{len(text):,} characters is more than the {MAX_YAML_CHARS:,} a YAML file may hold",
            refused=True,
        )
    try:
        loader = StrictLoader(text)
    except yaml.YAMLError as exc:  # the reader: a character YAML does not allow
        raise YAMLInputError(str(exc)) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_YAML_VALUES:
            raise _Refused(
                None,
                None,
                f"the document expands to more than {MAX_YAML_VALUES:,} values through its aliases "
                "(&name / *name); write the values out or use fewer aliases",
                node.start_mark,
            )
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or str(exc)
        raise YAMLInputError(problem, line, refused=isinstance(exc, _Refused)) from None
    except yaml.YAMLError as exc:  # the reader, part-way through
        raise YAMLInputError(str(exc)) from None
    except RecursionError:
        raise YAMLInputError("nested too deeply to be a scenario", refused=True) from None
    finally:
        loader.dispose()


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A crash part-way leaves the old file (or none), never half of the new one. A
    symbolic link is written through: the file it points to is replaced and the link
    stays. An existing file keeps its permissions (a new one gets the umask's). Devices,
    pipes and sockets (``/dev/stdout``, ``/dev/null``, a FIFO) are written directly,
    never replaced; ``/dev/stdout``, ``/dev/fd/N`` and ``/proc/self/fd/N`` are written
    through the process's own descriptor, after what it already wrote there.

    Raises
    ------
    OutputError
        The folder does not exist (it is not created), ``path`` is a folder, or the
        writing fails (no permission, a full disk …).
    TypeError
        ``data`` is neither text nor bytes.
    """
    path = Path(path)
    try:
        _write(path, data)
    except IsADirectoryError:
        raise OutputError(f"cannot write {path}: it is a folder; give a file name") from None
    except _MissingFolder as exc:
        raise OutputError(
            f"cannot write {path}: the folder {exc.args[0]} does not exist; create it first"
        ) from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


class _MissingFolder(Exception):
    pass


def _write(path: Path, data: str | bytes) -> None:
    if not isinstance(data, (str, bytes)):
        raise TypeError(f"data must be text or bytes, not {type(data).__name__}")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        existing: os.stat_result | None = os.stat(path)  # through links
    except FileNotFoundError:
        existing = None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise IsADirectoryError(path)
    if existing is not None:
        own = _own_descriptor(path)
        if own is not None:  # /dev/stdout, /dev/fd/1: write where the process already writes
            _write_all(own, payload)
            return
        if not stat.S_ISREG(existing.st_mode):
            _write_directly(path, payload)  # a device, pipe or socket
            return
    target = Path(os.path.realpath(path))
    if not target.parent.is_dir():
        given = path.absolute().parent
        raise _MissingFolder(given if not given.exists() else target.parent)
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as binary:
            binary.write(payload)
            binary.flush()
            os.fchmod(binary.fileno(), mode)
            if existing is not None:
                _keep_owner(binary.fileno(), existing)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _own_descriptor(path: Path) -> int | None:
    """The descriptor ``path`` names if it leads to this process's ``/proc/<pid>/fd/<n>``.

    ``/dev/stdout``, ``/dev/fd/1`` and ``/proc/self/fd/1`` name an open file of the
    process: renaming a new file over it would leave the process writing to the old,
    unlinked one, and opening it afresh would write at another offset than the output
    already there. Writing to the descriptor itself keeps everything in order.
    """
    own = f"/proc/{os.getpid()}/fd"
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        if os.path.realpath(os.path.dirname(current)) == own and os.path.basename(current).isdigit():
            return int(os.path.basename(current))
        if not os.path.islink(current):
            return None
        current = os.path.join(os.path.dirname(current), os.readlink(current))
    return None


def _keep_owner(fd: int, existing: os.stat_result) -> None:
    if (existing.st_uid, existing.st_gid) == (os.geteuid(), os.getegid()):
        return
    try:
        os.fchown(fd, existing.st_uid, existing.st_gid)
    except OSError:
        pass  # only root may give a file away; the new file is then the writer's


def _write_directly(path: Path, payload: bytes) -> None:
    # O_NONBLOCK: a FIFO nobody reads is an error (ENXIO), not a hang; then block to write
    fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    try:
        os.set_blocking(fd, True)
        _write_all(fd, payload)
    finally:
        os.close(fd)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save_figure(figure: Any, path: str | Path, dpi: int = 120) -> Path:
    """Save a matplotlib ``figure`` atomically at ``dpi`` [dots per inch] to ``path``, in the format
    its name ends in (``.png``, ``.svg`` …; none: PNG); returns ``path``."""
    path = Path(path)
    file_format = path.suffix.lstrip(".").lower() or "png"
    buffer = io.BytesIO()
    with _laid_out_once(figure, file_format, dpi):
        figure.savefig(buffer, format=file_format, dpi=dpi)
    write_atomic(path, buffer.getvalue())
    return path


@contextlib.contextmanager
def _laid_out_once(figure: Any, file_format: str, dpi: int) -> Iterator[None]:
    """Lay ``figure`` out at ``dpi`` now, and let it be saved without its layout engine.

    ``savefig`` of a figure with a layout engine (``layout="constrained"``) draws it twice:
    once without output, which runs the layout, then to print. For a figure of ``Figure()``
    (no pyplot, no GUI canvas) printed by Agg (PNG, JPEG …) this runs the layout on the
    renderer print uses, so it is drawn once: the same pixels in about 15 % less time. Any
    other figure saves as ``savefig`` alone does; each keeps its canvas, dpi and layout.
    """
    import matplotlib
    from matplotlib.backend_bases import FigureCanvasBase, get_registered_canvas_class
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    engine = figure.get_layout_engine()
    if (
        engine is None
        or not figure.axes
        or type(figure.canvas) is not FigureCanvasBase
        or get_registered_canvas_class(file_format) is not FigureCanvasAgg
        or any(
            matplotlib.rcParams[key]
            for key in ("figure.autolayout", "figure.constrained_layout.use", "savefig.bbox")
        )
    ):
        yield
        return
    canvas, figure_dpi = figure.canvas, figure.dpi
    FigureCanvasAgg(figure)  # the canvas savefig would switch to; it sets itself on the figure
    try:
        figure.dpi = dpi
        try:
            engine.execute(figure)
        except ValueError:  # as Figure.draw does
            pass
        figure.set_layout_engine(None)  # None, as the rcParams checked above are off
        yield
    finally:
        figure.set_layout_engine(engine)
        figure.dpi = figure_dpi
        figure.set_canvas(canvas)
