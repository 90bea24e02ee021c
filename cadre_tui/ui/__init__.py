"""Textual screens and widgets. Talks to services and store functions, never SQL."""

import os

# Textual batches screen updates at TEXTUAL_FPS (60 by default). A keystroke in
# the pool's search needs two updates (the typed character, then the results),
# so at 60 the frame timer alone costs ~30 ms of the 25 ms budget; at 240 the
# same keystroke paints in ~15 ms. Only changed cells are sent either way; set
# TEXTUAL_FPS lower for a very slow link. Must be set before Textual is imported.
os.environ.setdefault("TEXTUAL_FPS", "240")
