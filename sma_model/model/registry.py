"""The registry of escalation rules, and the base every configuration model shares.

An escalation rule is a :class:`Rule` subclass with a ``kind`` literal, registered with
:func:`register_rule`; :data:`~sma_model.model.terms.EscalationRule` validates as the
union of the registered rules, discriminated on ``kind``. Registering a rule after the
models that use the union were built rebuilds them (in the order they were defined, so
a model is rebuilt after the models it holds), so a rule added at run time validates,
serialises and appears in the JSON schema like the built-in ones. See CONTRIBUTING.md
for a worked example; the engine's half of a rule is :func:`sma_model.engine.compile.compiles`.

The field types the terms share live here too: :data:`Year`, :data:`Rate` (any yearly
change, -99 % to +1,000 %), :data:`Growth` (a rule's yearly growth, in the plausible
range :data:`~sma_model.series.GROWTH_RATES`) and :data:`Amount`. None takes a bool for a
number (:data:`NO_BOOL`): pydantic would read ``rate: yes`` as +100 %.
"""

from __future__ import annotations

import ast
import functools
import inspect
import pickle
import sys
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationInfo,
)
from pydantic_core import CoreSchema

from sma_model.errors import SMAModelError
from sma_model.series import GROWTH_RATES, check_range, refuse_bool

__all__ = [
    "MAX_RATE",
    "MAX_YEAR",
    "MIN_RATE",
    "MIN_YEAR",
    "NO_BOOL",
    "Amount",
    "EscalationRule",
    "Growth",
    "Rate",
    "RollOver",
    "Rule",
    "RuleOrRollOver",
    "RuleUnion",
    "Spread",
    "TermsModel",
    "Year",
    "attribute_docstrings",
    "describe_rule",
    "register_rule",
    "registered_rules",
    "revalidated",
    "unregister_rule",
]

#: First and last calendar year any term may name.
MIN_YEAR = 1991
MAX_YEAR = 2200
#: Bounds on any yearly change: a fall of at most 99 % and a rise of at most 1,000 %.
MIN_RATE = -0.99
MAX_RATE = 10.0

NO_BOOL = BeforeValidator(refuse_bool)
"""Metadata refusing a bool for a number, after the ``Field``: ``Annotated[int, Field(ge=1), NO_BOOL]``
(after it, so the bounds stay ``minimum``/``maximum`` in the JSON schema)."""


def _plausible_growth(value: float, info: ValidationInfo) -> float:
    """``value`` if it is in :data:`~sma_model.series.GROWTH_RATES`, else "did you mean 0.06?"."""
    low, high = GROWTH_RATES
    return check_range(value, info.field_name or "rate", low, high, "a fraction per year", percent=True)


Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR), NO_BOOL]
"""A calendar year from :data:`MIN_YEAR` to :data:`MAX_YEAR`."""
Rate = Annotated[float, Field(ge=MIN_RATE, le=MAX_RATE, allow_inf_nan=False), NO_BOOL]
"""Any yearly change [fraction, -0.99 to 10]: a :class:`~sma_model.model.terms.Rise` may be a
demand of several times the last payment."""
Growth = Annotated[
    float,
    Field(
        ge=MIN_RATE,
        le=MAX_RATE,
        allow_inf_nan=False,
        json_schema_extra={"minimum": GROWTH_RATES[0], "maximum": GROWTH_RATES[1]},
    ),
    NO_BOOL,
    AfterValidator(_plausible_growth),
]
"""A rule's yearly growth [fraction, -0.5 to 0.5] (:data:`~sma_model.series.GROWTH_RATES`):
``6`` is refused with "did you mean 0.06?"."""
Spread = Annotated[
    float,
    Field(
        ge=-1.0,
        le=1.0,
        allow_inf_nan=False,
        json_schema_extra={"minimum": GROWTH_RATES[0], "maximum": GROWTH_RATES[1]},
    ),
    NO_BOOL,
    AfterValidator(_plausible_growth),
]
"""Points added to an index's growth [fraction, -0.5 to 0.5], like :data:`Growth`."""
Amount = Annotated[float, Field(gt=0, lt=1e16, allow_inf_nan=False), NO_BOOL]
"""An amount of money [whole won or dollars], above zero and below 1e16."""

#: Every TermsModel subclass, in the order they were defined (a model holds only earlier ones).
_MODELS: list[type[BaseModel]] = []
#: Registered rules by ``kind``, in registration order (the order of the union and its schema).
_RULES: dict[str, type[Rule]] = {}
#: Whether some model has been built with the union (then registering must rebuild it).
_UNION_USED: list[bool] = [False]


class TermsModel(BaseModel):
    """Base of every sma_model configuration model: frozen, strict about fields.

    A field's description is the docstring under it (as pydantic's
    ``use_attribute_docstrings`` would give, read here once per source file instead of
    once per class, which made ``import sma_model`` slow); validators and the JSON
    schema are built on first use (``defer_build``), after the descriptions are set.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        defer_build=True,
        validate_default=True,
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for name, text in attribute_docstrings(cls).items():
            field = cls.__pydantic_fields__.get(name)
            if field is not None and field.description is None:
                field.description = text
        _MODELS.append(cls)


M = TypeVar("M", bound=TermsModel)
#: Validated copies, newest last, by (class, registered rules, pickled dump); see :func:`revalidated`.
_REVALIDATED: OrderedDict[tuple[Any, ...], tuple[TermsModel, bytes]] = OrderedDict()
_REVALIDATED_KEPT = 256


def revalidated(model: M) -> M:
    """``model`` validated again from its dump: a checked copy, as ``model_validate`` gives.

    ``model_copy(update=...)`` and edits of a model's lists skip pydantic's checks, so the
    engine validates what it is given. The same content validates to the same copy, so
    the last 256 copies are kept, by the exact bytes of the dump (pickled) and the
    registered rules; a kept copy is handed out only while it still dumps as it did when
    made, so editing one cannot leak into another projection.

    Raises
    ------
    pydantic.ValidationError
        The content is not valid.
    """
    cls = type(model)
    dump = model.model_dump(warnings=False)
    try:
        key: tuple[Any, ...] | None = (cls, tuple(_RULES.values()), pickle.dumps(dump, 5))
    except Exception:  # a value that cannot be pickled (put there by model_copy): no keeping
        key = None
    kept = _REVALIDATED.get(key) if key is not None else None
    if key is not None and kept is not None and _pickled(kept[0]) == kept[1]:
        _REVALIDATED.move_to_end(key)
        return kept[0]  # type: ignore[return-value]
    copy = cls.model_validate(dump)
    if key is not None:
        _REVALIDATED[key] = (copy, _pickled(copy))
        while len(_REVALIDATED) > _REVALIDATED_KEPT:
            _REVALIDATED.popitem(last=False)
    return copy


def _pickled(model: BaseModel) -> bytes:
    return pickle.dumps(model.model_dump(warnings=False), 5)


@functools.cache
def _module_tree(filename: str) -> ast.Module | None:
    try:
        return ast.parse(Path(filename).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):  # no source (a zip, a REPL): no descriptions
        return None


def attribute_docstrings(cls: type) -> dict[str, str]:
    """The docstring written under each annotated attribute in the class body of ``cls``.

    ``x: int = 1`` with the string ``"Text."`` on the next line gives ``{"x": "Text."}`` (cleaned as
    :func:`inspect.cleandoc` does); a class defined inside a function, or whose source
    cannot be read, gives ``{}``.
    """
    filename = getattr(sys.modules.get(cls.__module__), "__file__", None)
    tree = _module_tree(filename) if filename else None
    node: ast.AST | None = tree
    for part in cls.__qualname__.split("."):
        body = getattr(node, "body", [])
        node = next((n for n in body if isinstance(n, ast.ClassDef) and n.name == part), None)
    if not isinstance(node, ast.ClassDef):
        return {}
    found: dict[str, str] = {}
    for before, after in zip(node.body, node.body[1:]):
        if (
            isinstance(before, ast.AnnAssign)
            and isinstance(before.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            found[before.target.id] = inspect.cleandoc(after.value.value)
    return found


class Rule(TermsModel):
    """Base of escalation rules: how each year's payment grows from the previous year's.

    A subclass declares ``kind: Literal["<name>"] = "<name>"`` (the YAML/JSON tag),
    its fields, and :meth:`describe`; it may override :meth:`check_span`. Register it
    with :func:`register_rule` and give the engine a compile function with
    :func:`sma_model.engine.compile.compiles`.
    """

    def describe(self) -> str:
        """A short human description, for tables: ``"fixed +5.0%"``."""
        raise NotImplementedError(f"{type(self).__name__} must define describe()")

    def check_span(self, first: int, last: int) -> None:
        """Raise ``ValueError`` when the rule cannot govern the years ``first``..``last``.

        Called for each span of years the rule governs in an agreement (and after
        expiry); by default any span will do.
        """


def describe_rule(rule: object) -> str:
    """A short human description of a rule, base or rise, for tables: ``"CPI (t-2), cap 5.0%"``.

    Each describes itself (``.describe()``); ``None`` (no base: the first rule governs the
    first year) is ``"first rule"``.
    """
    if rule is None:
        return "first rule"
    describe = getattr(rule, "describe", None)
    if not isinstance(rule, BaseModel) or not callable(describe):
        raise TypeError(f"not a rule: {rule!r}")
    return str(describe())


def _kind_of(cls: type) -> str:
    field = getattr(cls, "model_fields", {}).get("kind")
    args = get_args(field.annotation) if field is not None else ()
    if field is None or get_origin(field.annotation) is None or field.default not in args or len(args) != 1:
        raise SMAModelError(
            f"{cls.__name__}: a rule needs a field kind: Literal['<name>'] = '<name>' (its tag in YAML)"
        )
    return str(field.default)


def register_rule(cls: type[Rule]) -> type[Rule]:
    """Add ``cls`` to the escalation rules (a class decorator).

    Raises
    ------
    SMAModelError
        ``cls`` is not a :class:`Rule` with a ``kind`` literal, or its ``kind`` is taken.
    """
    if not (isinstance(cls, type) and issubclass(cls, Rule)):
        raise SMAModelError(f"register_rule takes a Rule subclass, not {cls!r}")
    kind = _kind_of(cls)
    if kind in _RULES and _RULES[kind] is not cls:
        raise SMAModelError(f"rule kind {kind!r} is taken by {_RULES[kind].__name__}; choose another kind")
    _RULES[kind] = cls
    _rebuild()
    return cls


def unregister_rule(cls: type[Rule]) -> None:
    """Remove a rule added with :func:`register_rule` (tests use it to clean up)."""
    kind = _kind_of(cls)
    if _RULES.get(kind) is cls:
        del _RULES[kind]
        _rebuild()


def registered_rules() -> tuple[type[Rule], ...]:
    """The escalation rules, in the order of the union."""
    return tuple(_RULES.values())


def _rebuild() -> None:
    """Rebuild the models built with the union, each after the models it holds."""
    if not _UNION_USED[0]:
        return  # nothing built with the union yet: it is read when models are built
    for model in _MODELS:
        if model.__pydantic_complete__:
            model.model_rebuild(force=True)


@dataclass(frozen=True)
class RuleUnion:
    """``Annotated`` metadata: validate as the registered rules (and ``extra``) on ``kind``.

    ``Annotated[Rule, RuleUnion()]`` is any rule; ``Annotated[RollOver | Rule,
    RuleUnion((RollOver,))]`` puts RollOver first in the union.
    """

    extra: tuple[type[BaseModel], ...] = ()

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        _UNION_USED[0] = True
        members = (*self.extra, *_RULES.values())
        return handler.generate_schema(Annotated[Union[members], Field(discriminator="kind")])


class RollOver(TermsModel):
    """After expiry, the last agreement's last rule stays in force."""

    kind: Literal["roll_over"] = "roll_over"

    def describe(self) -> str:
        """``"roll over"``."""
        return "roll over"


EscalationRule = Annotated[Rule, RuleUnion()]
"""Any registered rule an agreement can escalate by (a union discriminated on ``kind``)."""

RuleOrRollOver = Annotated[Union[RollOver, Rule], RuleUnion((RollOver,))]
"""What governs the years after expiry: :class:`RollOver` or any registered rule."""
