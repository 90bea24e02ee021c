"""``python -m cadre_tui``: the same as the ``cadre-tui`` command."""

from cadre_tui.cli import main

main()
