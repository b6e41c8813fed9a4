"""Whether the machine runs on battery, where the platform tells (Linux: /sys/class/power_supply).

True: on battery; False: on AC power (a mains adapter online, or a battery charging or full);
None: the platform does not say (no power supply listed, as on most desktops and in containers, or
another OS). Callers treat None as battery: only a known mains supply lets background work run while
the user is at the machine.
"""

from __future__ import annotations

from pathlib import Path

POWER_SUPPLY = Path("/sys/class/power_supply")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return ""


def on_battery(root: Path = POWER_SUPPLY) -> bool | None:
    try:
        supplies = sorted(p for p in root.iterdir() if p.is_dir())
    except OSError:
        return None
    mains = [s for s in supplies if _read(s / "type") in ("Mains", "USB", "USB_C", "USB_PD")]
    if any(_read(s / "online") == "1" for s in mains):
        return False
    batteries = [s for s in supplies if _read(s / "type") == "Battery" and _read(s / "scope") != "Device"]
    states = {_read(s / "status") for s in batteries}
    if "Discharging" in states:
        return True
    if states & {"Charging", "Full", "Not charging"}:
        return False  # on a charger, whether or not the adapter is listed
    return True if mains else None  # adapters listed, none online: on battery
