"""Sphinx configuration: the sma_model documentation site.

Build it (warnings are errors, as in CI)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The API reference comes from the numpydoc docstrings (autosummary, numpydoc), the
notebooks in ``notebooks/`` are executed by myst-nb on every build in a fresh kernel,
and the user-guide pages written as MyST notebooks (``{code-cell}``) compute their tables
from the shipped record. Nothing is fetched from the network: intersphinx is off.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# the checkout's package, also when it is not installed (pip install -e puts it on the path too)
sys.path.insert(0, str(ROOT))
# executed notebooks find the package the same way
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
# the kernels show figures inline: a backend set for the build (Agg) would hide them
os.environ.pop("MPLBACKEND", None)

from docutils import nodes  # noqa: E402
from sphinx.util import logging  # noqa: E402
from sphinx.util.nodes import make_refnode  # noqa: E402

import sma_model  # noqa: E402

logger = logging.getLogger("sma_model.docs")

project = "sma_model"
author = "sma_model developers"
copyright = "sma_model developers, MIT licence"
version = release = sma_model.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",
]

# -- sources ------------------------------------------------------------------
# docs/notebooks is a link to the top-level notebooks/ folder, so the notebooks the
# tests run are the notebooks the site shows.
exclude_patterns = [
    "_build",
    "**/.ipynb_checkpoints",
    "api/_templates",
]
templates_path = ["api/_templates"]
root_doc = "index"
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
suppress_warnings: list[str] = []

# -- API reference ------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"  # numpydoc sections carry the types; pydantic's Annotated types are noise
autodoc_member_order = "bysource"
autodoc_default_options = {
    "members": True,
    "show-inheritance": True,
    # pydantic's machinery, the same on every model
    "exclude-members": "model_config, model_fields, model_computed_fields, model_post_init",
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_attributes_as_param_list = False

# -- notebooks ------------------------------------------------------------------
# "cache": executed once per content (jupyter-cache under docs/_build), so an unchanged
# notebook is not run again on a local rebuild; CI builds from a clean tree and runs all.
nb_execution_mode = "cache"
nb_execution_cache_path = str(DOCS / "_build" / ".jupyter_cache")
nb_execution_timeout = 600
nb_execution_raise_on_error = True  # a failing cell fails the build
nb_execution_show_tb = True
nb_execution_in_temp = True  # a notebook that writes files writes them outside the docs
nb_merge_streams = True
# no "dollarmath": "$5bn ... $10bn" is money, not mathematics
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

# -- HTML -----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sma_model {release}"
html_static_path = ["_static"]
html_css_files = ["sma.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_show_sourcelink = False
html_last_updated_fmt = None


# -- checks: the site is complete, and every drawing cell shows its figure --------------
#: Packages whose ``__all__`` the API reference must cover, each name on some page of api/.
PUBLIC_MODULES = (
    "sma_model",
    "sma_model.analysis",
    "sma_model.analysis.solve",
    "sma_model.engine",
    "sma_model.errors",
    "sma_model.io",
    "sma_model.plotting",
    "sma_model.record",
    "sma_model.record.presets",
    "sma_model.sweeps",
)
#: A cell draws when it calls a plot function or a result's .plot() (as in tests/test_notebooks.py).
DRAWS = re.compile(r"\.plot\(|\bsma\.plot\.\w+\(|plt\.subplots\(|plt\.figure\(")


def _lookup(path: str) -> Any:
    """The object a dotted path names, or None: an attribute of the longest importable module
    before it (as autodoc reads it: ``sma_model.record.payments`` is the function, not the module
    of that name), else the module itself."""
    parts = path.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attribute in parts[split:]:
                value = getattr(value, attribute)
        except AttributeError:
            break
        return value
    try:
        return importlib.import_module(path)
    except ImportError:
        return None


def _documented(env: Any) -> tuple[set[str], dict[int, str]]:
    """Full names of the documented Python objects, and each object's id to its documented name."""
    names = set(env.get_domain("py").objects)
    objects: dict[int, str] = {}
    for name in sorted(names):
        value = _lookup(name)
        if value is not None and not isinstance(value, (int, float, str, tuple)):
            objects.setdefault(id(value), name)
    return names, objects


def resolve_alias(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Link a reference to an object under another of its names (``sma_model.sweeps.sweep.sweep``
    is documented as ``sma_model.sweep``), as users and docstrings name both."""
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("sma_model"):
        return None
    value = _lookup(target)
    if value is None:
        return None
    if not hasattr(app, "sma_documented"):  # once per build, after every page is read
        app.sma_documented = _documented(env)[1]
    name = app.sma_documented.get(id(value))
    if name is None:
        return None
    entry = env.get_domain("py").objects[name]
    return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode, name)


def check_api_complete(app: Any, env: Any) -> None:
    """Warn (an error under ``-W``) for each public name no page of the API reference documents."""
    names, objects = _documented(env)
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for public in module.__all__:
            if public.startswith("_"):
                continue
            value = getattr(module, public)
            if hasattr(value, "__path__") or type(value).__name__ == "module":
                covered = any(n.startswith(value.__name__ + ".") for n in names)
            else:
                covered = f"{module_name}.{public}" in names or id(value) in objects
            if not covered:
                logger.warning(
                    "%s.%s is public (in __all__) but on no page of docs/api/: add it to an autosummary "
                    "list there",
                    module_name,
                    public,
                    type="sma_model",
                    subtype="api",
                )


def check_figures_shown(app: Any, doctree: nodes.document) -> None:
    """Warn for each executed cell (of a notebook or a MyST page) that draws but shows no figure."""
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") != "cell_code":
            continue
        source = "".join(
            block.astext()
            for part in cell.findall(nodes.container)
            if part.get("nb_element") == "cell_code_source"
            for block in part.findall(nodes.literal_block)
        )
        if DRAWS.search(source) and not any(True for _ in cell.findall(nodes.image)):
            logger.warning(
                "cell %d draws but shows no figure",
                cell.get("cell_index"),
                location=app.env.docname,
                type="sma_model",
                subtype="figure",
            )


def setup(app: Any) -> dict[str, Any]:
    app.connect("env-check-consistency", check_api_complete)
    app.connect("doctree-read", check_figures_shown)
    app.connect("missing-reference", resolve_alias)
    return {"parallel_read_safe": True}
