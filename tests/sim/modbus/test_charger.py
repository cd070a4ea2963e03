"""The simulated Modbus charger, driven through a real Modbus client the way a driver drives it, for every profile."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import replace
import re

from pymodbus import FramerType
from pymodbus.client import AsyncModbusTcpClient
from pymodbus.constants import ExcCodes
from pymodbus.exceptions import ModbusException
from pymodbus.pdu import ModbusPDU
import pytest

from custom_components.chargeshare.modbus.profile import (
    CURRENT_UNITS,
    ENERGY_UNITS,
    POWER_UNITS,
    VOLTAGE_UNITS,
    Condition,
    IecState,
    Profile,
    Quantity,
    StatusRule,
    StatusSpec,
)
from custom_components.chargeshare.modbus.profile_loader import load_profiles
from custom_components.chargeshare.modbus.registers import DataType, Register, Table, Value, decode, encode
from custom_components.chargeshare.modbus.status import decode_status
from sim.modbus import SAFE_CURRENT_A, ReceivedWrite, SimulatedModbusCharger

PROFILES = load_profiles()
CHARGING_W = 16 * 230 * 3  # the default 16 A on 3 phases


def profiles(condition: Callable[[Profile], object] = bool) -> pytest.MarkDecorator:
    """Run the test for every profile that meets `condition`."""
    chosen = [pytest.param(profile, id=key) for key, profile in PROFILES.items() if condition(profile)]
    return pytest.mark.parametrize("profile", chosen)


class Master:
    """The Modbus side of a driver, reduced to the profile: read a register, write a value the profile's way."""

    def __init__(self, profile: Profile, port: int, timeout_s: float = 0.3) -> None:  # 127.0.0.1 answers in ms
        self.profile = profile
        framer = FramerType.RTU if profile.framer == "rtu" else FramerType.SOCKET
        self.client = AsyncModbusTcpClient(
            "127.0.0.1", port=port, framer=framer, timeout=timeout_s, retries=0, reconnect_delay=0
        )
        self.setpoint_a = 16.0

    async def connect(self) -> None:
        assert await self.client.connect()

    def unit(self, register: Register) -> int:
        return self.profile.unit_id if register.unit_id is None else register.unit_id

    async def request(self, register: Register, start: int | None = None) -> ModbusPDU:
        """One read of `register` (at `start`, for a register spread over several addresses)."""
        address, unit = register.address if start is None else start, self.unit(register)
        if register.table is Table.COIL:
            return await self.client.read_coils(address, count=register.length, device_id=unit)
        if register.table is Table.HOLDING:
            return await self.client.read_holding_registers(address, count=register.length, device_id=unit)
        return await self.client.read_input_registers(address, count=register.length, device_id=unit)

    async def read(self, register: Register) -> list[Value]:
        words: list[int] = []
        for start in register.starts:
            response = await self.request(register, start)
            assert not response.isError(), response
            words += response.bits[: register.length] if register.table is Table.COIL else response.registers
        return decode(register, words, self.profile.word_order)

    async def write(self, register: Register, value: Value, function_code: int) -> ModbusPDU:
        address, unit = register.address, self.unit(register)
        if function_code == 5:
            return await self.client.write_coil(address, bool(value), device_id=unit)
        words = encode(register, value, self.profile.word_order)
        if function_code == 6:
            return await self.client.write_register(address, words[0], device_id=unit)
        return await self.client.write_registers(address, words, device_id=unit)

    async def status(self) -> IecState | None:
        registers = self.profile.status.registers
        return decode_status(self.profile.status, {name: (await self.read(reg))[0] for name, reg in registers.items()})

    async def set_current(self, amps: float) -> ModbusPDU:
        spec = self.profile.current
        raw = amps / (CURRENT_UNITS[spec.unit] * spec.scale)
        self.setpoint_a = amps
        value = raw if spec.register.type in (DataType.FLOAT32, DataType.FLOAT64) else round(raw)
        return await self.write(spec.register, value, spec.write_fc)

    async def amps(self, register: Register) -> float:
        spec = self.profile.current
        return float((await self.read(register))[0]) * CURRENT_UNITS[spec.unit] * spec.scale

    async def disable(self) -> None:
        spec = self.profile.enable
        if spec.register is None:
            assert not (await self.set_current(0)).isError()
        else:
            assert not (await self.write(spec.register, spec.off, spec.write_fc)).isError()

    async def keep_alive(self) -> None:
        """What keeps the charger's watchdog from running out, the profile's way."""
        spec = self.profile.watchdog
        assert spec is not None
        if spec.method == "rewrite_current":
            assert not (await self.set_current(self.setpoint_a)).isError()
        elif spec.method == "write":
            assert spec.register is not None
            value = (await self.read(spec.value_from))[0] if spec.value_from is not None else spec.value
            assert not (await self.write(spec.register, value, spec.write_fc)).isError()
        elif spec.register is not None:
            await self.read(spec.register)
        else:
            await self.status()

    async def watchdog_timeout_s(self) -> float:
        """The charger's timeout: served in period_from, else twice the profile's period."""
        spec = self.profile.watchdog
        assert spec is not None
        if spec.period_from is None:
            assert spec.period_s is not None
            return 2 * spec.period_s
        return float((await self.read(spec.period_from))[0]) / (1000 if spec.period_unit == "ms" else 1)

    async def quantity(self, quantity: Quantity | None, units: Mapping[str, float]) -> list[float]:
        assert quantity is not None
        return [float(raw) * units[quantity.unit] * quantity.scale for raw in await self.read(quantity.register)]

    async def energy_kwh(self) -> float:
        return (await self.quantity(self.profile.energy, ENERGY_UNITS))[0]


@pytest.fixture
async def charger(profile: Profile, socket_enabled: None) -> AsyncIterator[SimulatedModbusCharger]:
    charger = SimulatedModbusCharger(profile)
    await charger.start()
    yield charger
    await charger.stop()


@pytest.fixture
async def master(charger: SimulatedModbusCharger) -> AsyncIterator[Master]:
    master = Master(charger.profile, charger.port)
    await master.connect()
    yield master
    master.client.close()


# Status


@profiles()
async def test_the_status_shows_the_car_and_whether_it_may_charge(
    charger: SimulatedModbusCharger, master: Master
) -> None:
    assert await master.status() is IecState.A
    charger.plug_in()
    assert await master.status() is IecState.C
    await master.set_current(3)
    assert await master.status() is IecState.B  # below 6 A the car waits
    await master.set_current(16)
    await master.disable()
    assert await master.status() is IecState.B
    assert not charger.enabled
    charger.unplug()
    assert await master.status() is IecState.A


@pytest.mark.parametrize(
    ("profile", "state"),
    [
        pytest.param(profile, state, id=f"{key}-{state}")
        for key, profile in PROFILES.items()
        for state in (IecState.E, IecState.F)
        if SimulatedModbusCharger(profile).can_show(state)
    ],
)
async def test_a_fault_shows_as_its_state(charger: SimulatedModbusCharger, master: Master, state: IecState) -> None:
    charger.plug_in()
    charger.fault(state)
    assert await master.status() is state
    assert charger.power_w == 0
    charger.clear_fault()
    assert await master.status() is IecState.C


def alfen_with_states(*states: IecState) -> Profile:
    """Alfen's map with a rule-based status instead: HR 1000 reads 0, 1, 2, ... for `states`, in order."""
    rules = tuple(StatusRule(state, {"state": Condition(values=(code,))}) for code, state in enumerate(states))
    return replace(PROFILES["alfen_eve"], status=StatusSpec({"state": Register(Table.HOLDING, 1000)}, rules=rules))


async def test_a_fault_the_profile_has_no_code_for_is_refused() -> None:
    charger = SimulatedModbusCharger(alfen_with_states(IecState.A, IecState.B, IecState.C))
    with pytest.raises(ValueError, match="cannot show fault state E"):
        charger.fault("E")


async def test_a_profile_whose_rules_cannot_show_charging_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="show state C"):
        SimulatedModbusCharger(alfen_with_states(IecState.A, IecState.B))


# Setpoint, enable, phases, init


@profiles()
async def test_a_setpoint_shows_in_the_readback(charger: SimulatedModbusCharger, master: Master) -> None:
    spec = charger.profile.current
    assert not (await master.set_current(10)).isError()
    assert charger.limit_a == 10
    assert await master.amps(spec.readback or spec.register) == pytest.approx(10)
    assert charger.writes[-1].address == spec.register.address


@profiles(lambda profile: profile.key in ("alfen_eve", "abb_terra_ac"))  # a float in A, an integer in mA
async def test_a_setpoint_above_the_maximum_is_refused(charger: SimulatedModbusCharger, master: Master) -> None:
    response = await master.set_current(charger.profile.current.maximum_a + 1)
    assert response.exception_code == ExcCodes.ILLEGAL_VALUE
    assert charger.limit_a == 16
    assert charger.writes == []


@profiles(lambda profile: profile.key == "alfen_eve")
async def test_half_a_float_setpoint_is_refused(charger: SimulatedModbusCharger, master: Master) -> None:
    response = await master.client.write_register(1210, 0x4180, device_id=1)
    assert response.exception_code == ExcCodes.ILLEGAL_ADDRESS
    assert charger.writes == []


@profiles(lambda profile: profile.current.write_fc == 16 and profile.current.register.length == 1)
async def test_a_write_with_another_function_code_than_the_profiles_is_refused(
    charger: SimulatedModbusCharger, master: Master
) -> None:
    response = await master.write(charger.profile.current.register, 10, function_code=6)
    assert response.exception_code == ExcCodes.ILLEGAL_FUNCTION
    assert charger.limit_a == 16


@profiles(lambda profile: profile.key == "alfen_eve")
async def test_status_registers_are_read_only(charger: SimulatedModbusCharger, master: Master) -> None:
    response = await master.client.write_registers(1201, [0x4300, 0, 0, 0, 0], device_id=1)
    assert response.exception_code == ExcCodes.ILLEGAL_ADDRESS


@profiles(lambda profile: profile.phases)
async def test_a_phase_switch_changes_what_the_car_draws(charger: SimulatedModbusCharger, master: Master) -> None:
    spec = charger.profile.phases
    assert spec is not None
    charger.plug_in()
    assert not (await master.write(spec.register, spec.values[1], spec.write_fc)).isError()
    assert charger.phases == 1
    assert await master.quantity(charger.profile.power, POWER_UNITS) == [pytest.approx(16 * 230)]
    assert (await master.read(spec.register))[0] == spec.values[1]
    if spec.requires is not None:
        assert (await master.read(spec.requires))[0] == spec.requires_value  # switching shows as possible


@profiles(lambda profile: profile.init)
async def test_init_writes_are_accepted_and_recorded(charger: SimulatedModbusCharger, master: Master) -> None:
    for init in charger.profile.init:
        assert not (await master.write(init.register, init.value, init.write_fc)).isError()
        assert charger.writes[-1] == ReceivedWrite(
            master.unit(init.register), init.write_fc, init.register.address, (init.value,)
        )


# Meter


@profiles()
async def test_the_meter_follows_the_setpoint(charger: SimulatedModbusCharger, master: Master) -> None:
    charger.plug_in()
    await master.set_current(10)
    assert await master.quantity(charger.profile.power, POWER_UNITS) == [pytest.approx(10 * 230 * 3)]
    assert await master.quantity(charger.profile.currents, CURRENT_UNITS) == [pytest.approx(10)] * 3


@profiles(lambda profile: profile.voltages)
async def test_every_phase_has_230_volts(master: Master) -> None:
    assert await master.quantity(master.profile.voltages, VOLTAGE_UNITS) == [pytest.approx(230)] * 3


@profiles()
async def test_energy_counts_with_sim_time_while_charging(charger: SimulatedModbusCharger, master: Master) -> None:
    charger.plug_in()
    start = 1234 if charger.profile.energy_counts == "total" else 0  # a lifetime reading, or this session's
    assert await master.energy_kwh() == pytest.approx(start, abs=0.1)
    charger.advance(3600)
    assert await master.energy_kwh() == pytest.approx(start + CHARGING_W / 1000, abs=0.1)
    assert charger.energy_kwh == pytest.approx(start + CHARGING_W / 1000, abs=0.1)


@profiles(lambda profile: profile.energy_counts == "session")
async def test_a_session_counter_restarts_when_a_car_plugs_in(charger: SimulatedModbusCharger, master: Master) -> None:
    charger.plug_in()
    charger.advance(3600)
    charger.unplug()
    charger.plug_in()
    assert await master.energy_kwh() == 0


# Watchdog


@profiles(lambda profile: profile.watchdog)
async def test_without_refreshes_the_charger_falls_back_to_the_safe_current(
    charger: SimulatedModbusCharger, master: Master
) -> None:
    timeout_s = await master.watchdog_timeout_s()
    assert timeout_s == charger.watchdog_timeout_s
    await master.set_current(16)
    await master.keep_alive()
    charger.advance(timeout_s - 1)
    assert charger.fallbacks == 0
    charger.advance(1)
    assert charger.fallbacks == 1
    assert charger.limit_a == SAFE_CURRENT_A


@profiles(lambda profile: profile.watchdog)
async def test_refreshes_keep_the_setpoint(charger: SimulatedModbusCharger, master: Master) -> None:
    assert charger.watchdog_timeout_s is not None
    await master.set_current(20)
    for _ in range(4):
        await master.keep_alive()
        charger.advance(charger.watchdog_timeout_s * 0.75)
    assert charger.fallbacks == 0
    assert charger.limit_a == 20
    assert charger.watchdog_refreshes >= 4


# Identification


@profiles(lambda profile: profile.detect)
async def test_the_detect_register_matches_the_profiles_pattern(master: Master) -> None:
    register, pattern = master.profile.detect, master.profile.detect_pattern
    assert register is not None
    assert pattern is not None
    assert re.search(pattern, str((await master.read(register))[0]))


@profiles(lambda profile: any(isinstance(value, Register) for value in profile.identity.values()))
async def test_identity_registers_hold_something(master: Master) -> None:
    for register in master.profile.identity.values():
        if isinstance(register, Register):
            assert (await master.read(register))[0] not in ("", 0)


# Misbehaving on purpose


@profiles()
async def test_injected_exceptions_answer_the_next_requests(charger: SimulatedModbusCharger, master: Master) -> None:
    status = next(iter(charger.profile.status.registers.values()))
    charger.answer_with_exception(ExcCodes.DEVICE_FAILURE, requests=2)
    assert (await master.request(status)).exception_code == ExcCodes.DEVICE_FAILURE
    assert (await master.request(status)).exception_code == ExcCodes.DEVICE_FAILURE
    assert await master.status() is IecState.A


@profiles(lambda profile: profile.key == "alfen_eve")
async def test_injected_exceptions_last_until_the_charger_answers_normally(
    charger: SimulatedModbusCharger, master: Master
) -> None:
    charger.answer_with_exception(ExcCodes.ILLEGAL_ADDRESS)
    for _ in range(3):
        assert (await master.request(charger.profile.current.register)).exception_code == ExcCodes.ILLEGAL_ADDRESS
    charger.answer_normally()
    assert await master.status() is IecState.A


@profiles(lambda profile: profile.key == "alfen_eve")
async def test_a_charger_that_stops_answering_times_the_client_out(charger: SimulatedModbusCharger) -> None:
    master = Master(charger.profile, charger.port, timeout_s=0.2)
    await master.connect()
    charger.stop_answering()
    with pytest.raises(ModbusException, match="No response"):
        await master.status()
    charger.answer_normally()
    assert await master.status() is IecState.A
    master.client.close()


@profiles(lambda profile: profile.key == "alfen_eve")
async def test_an_unknown_unit_id_answers_gateway_no_response(master: Master) -> None:
    response = await master.client.read_holding_registers(1201, count=5, device_id=99)
    assert response.exception_code == ExcCodes.GATEWAY_NO_RESPONSE


@profiles()
async def test_a_stopped_charger_is_unreachable_until_it_starts_again_on_the_same_port(
    charger: SimulatedModbusCharger, master: Master
) -> None:
    port = charger.port
    charger.plug_in()
    await charger.stop()
    with pytest.raises(ModbusException):
        await master.status()
    await charger.start()
    assert charger.port == port
    await master.connect()
    assert await master.status() is IecState.C
