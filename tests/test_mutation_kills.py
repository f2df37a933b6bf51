"""Hand-worked numbers for the engine and the model that mutation testing found unchecked.

Each test pins a figure or a message that a surviving mutant of ``sma_model/engine`` or
``sma_model/model`` changed without any other test noticing (docs/mutation.md).
"""

from __future__ import annotations
