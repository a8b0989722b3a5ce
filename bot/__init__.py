"""acr-chatops: triage Azure Container Registry errors in Slack and run registry checks."""

# The one place the version is written: the wheel's metadata reads it from here (pyproject's
# [tool.hatch.version]), so importing the package costs no metadata lookup.
__version__ = "0.1.0"

__all__ = ["__version__"]
