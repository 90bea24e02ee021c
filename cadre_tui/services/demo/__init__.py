"""The demo programme: the seed's district, units, pool, three batches and their figures.

The definition is data (``db/demo/*.toml``); this package is the generator.
"""

from cadre_tui.services.demo.build import DemoSummary, Progress, build_demo

__all__ = ["DemoSummary", "Progress", "build_demo"]
