"""Where the OCPI 2.2.1 reference data lies: `shared/` beside the repository, as on every machine and in CI."""

from __future__ import annotations

from pathlib import Path

OCPI_REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "ocpi-2.2.1"
OCPI_EXAMPLES = OCPI_REFERENCE / "examples"
