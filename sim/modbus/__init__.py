"""A simulated Modbus charger that follows a charger profile; `python -m sim.modbus` runs one in real time."""

from sim.modbus.behaviour import ENERGY_START_KWH, MIN_CHARGING_A, SAFE_CURRENT_A, VOLTAGE_V
from sim.modbus.charger import SimulatedModbusCharger
from sim.modbus.server import ReceivedWrite

__all__ = [
    "ENERGY_START_KWH",
    "MIN_CHARGING_A",
    "SAFE_CURRENT_A",
    "VOLTAGE_V",
    "ReceivedWrite",
    "SimulatedModbusCharger",
]
