"""`python -m sim.modbus`: one simulated Modbus charger from a profile, in real time (see cli.py)."""

from sim.modbus.cli import main

raise SystemExit(main())
