"""jingwang (净网): find, prove, attribute, dispose of and block porn and unfiled mobile sites.

Nothing happens at import: build the web app with :func:`jingwang.web.create_app` and the
command line with :mod:`jingwang.cli`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jingwang")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
