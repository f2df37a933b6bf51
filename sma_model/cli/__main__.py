"""``python -m sma_model.cli``: the same as the ``sma-model`` command."""

from sma_model.cli import main

raise SystemExit(main())
