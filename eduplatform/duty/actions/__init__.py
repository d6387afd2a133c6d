"""Every write of the duty domain. Import from here."""

from eduplatform.duty.actions.handovers import confirm_handover, hand_over
from eduplatform.duty.actions.logs import HazardReport, add_event, add_round, save_log, submit_log
from eduplatform.duty.actions.shifts import cancel_shift, change_shift, copy_week, create_shift, fill_rotation

__all__ = [
    "HazardReport",
    "add_event",
    "add_round",
    "cancel_shift",
    "change_shift",
    "confirm_handover",
    "copy_week",
    "create_shift",
    "fill_rotation",
    "hand_over",
    "save_log",
    "submit_log",
]
