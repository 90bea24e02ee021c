"""Pure Python: the programme's vocabulary and rules. No I/O, no Textual, no SQL."""
