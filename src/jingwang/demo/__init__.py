"""The demo: a fresh data folder with demo data, served by the normal stack.

``jingwang demo`` grows with every capability: each adds its demo data in :mod:`.seed`.
"""

from jingwang.demo.datadir import DEMO_MARKER, fresh_data_dir
from jingwang.demo.seed import DemoSummary, seed_demo

__all__ = ["DEMO_MARKER", "DemoSummary", "fresh_data_dir", "seed_demo"]
