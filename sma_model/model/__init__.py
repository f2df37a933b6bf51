"""The terms of a deal and the world it runs in: validated pydantic models, no arithmetic.

- :mod:`~sma_model.model.terms`: money, escalation rules, agreements;
- :mod:`~sma_model.model.assumptions`: macro assumptions (validation only);
- :mod:`~sma_model.model.scenario`: a scenario (agreements, what happens at expiry,
  assumptions, horizon);
- :mod:`~sma_model.model.parameters`: parameter paths (``"agreements[0].escalation.cap"``)
  into a scenario, shared by sweeps, sensitivity and variants.
"""
