"""acr-chatops: triage Azure Container Registry errors in Slack and run registry checks."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("acr-chatops")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
