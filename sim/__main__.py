"""`python -m sim`: run one simulated charge point in real time (options: `python -m sim --help`)."""

from sim.cli import main

raise SystemExit(main())
