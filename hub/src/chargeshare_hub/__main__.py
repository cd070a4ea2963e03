"""`python -m chargeshare_hub`, the same as `chargeshare-hub`."""

from .cli import main

raise SystemExit(main())
