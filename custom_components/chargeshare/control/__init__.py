"""The charging controller: solar surplus, load management and schedules, in pure Python with an injected clock.

Nothing here imports Home Assistant; control_entry.py feeds it readings and applies its decisions.
"""
