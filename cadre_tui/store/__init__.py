"""SQLite storage: one module per aggregate; no Textual here."""
