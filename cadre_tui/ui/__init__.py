"""Textual screens and widgets. Talks to services and store functions, never SQL."""
