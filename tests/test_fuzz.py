"""Fuzzing the scenario loader: random documents give only the documented errors."""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sma_model as sma
from sma_model import io

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=25,
)

VALID = sma.presets.get("status-quo").model_dump(mode="json")
FIELDS = ["name", "agreements", "after_expiry", "assumptions", "horizon"]
AGREEMENT_FIELDS = ["name", "start_year", "term_years", "base", "escalation", "currency"]


@st.composite
def mutated_scenarios(draw):
    """A valid scenario with one field (top level or in the agreement) replaced by junk."""
    document = json.loads(json.dumps(VALID))
    junk = draw(documents)
    if draw(st.booleans()):
        document[draw(st.sampled_from(FIELDS))] = junk
    else:
        document["agreements"][0][draw(st.sampled_from(AGREEMENT_FIELDS))] = junk
    return document


def load_text(tmp_path, text: str, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_text(text, encoding="utf-8")
    try:
        scenario = io.load_scenario(path)
    except io.ScenarioFileError as exc:
        assert str(exc).startswith(str(path))
        return
    try:
        sma.project(scenario)
    except sma.SMAModelError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents | mutated_scenarios())
def test_random_documents_as_yaml(tmp_path, document):
    load_text(tmp_path, yaml.safe_dump(document), ".yaml")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents | mutated_scenarios())
def test_random_documents_as_json(tmp_path, document):
    load_text(tmp_path, json.dumps(document), ".json")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_random_text(tmp_path, text):
    load_text(tmp_path, text, ".yaml")
