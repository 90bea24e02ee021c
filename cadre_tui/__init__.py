"""cadre-tui: the coordinators' tool for a district's cadre secondment programme."""

__version__ = "0.1.0"
