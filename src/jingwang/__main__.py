"""``python -m jingwang`` is the same as the ``jingwang`` command."""

import sys

from jingwang.cli.app import main

sys.exit(main())
