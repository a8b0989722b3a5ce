"""`python -m bot` runs the same command line as `acrbot`."""

from bot.cli import main

raise SystemExit(main())
