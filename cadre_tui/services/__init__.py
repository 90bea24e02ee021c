"""Workflows across store and domain: demo programme, reports, import, export. No Textual."""
