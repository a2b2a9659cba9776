"""Sent when the calendar changes (a year seeded, imported or edited), inside the change's transaction: what was
counted with an estimated calendar may be counted again (the cases app queues a job, committed with the change)."""

from django.dispatch import Signal

calendar_changed = Signal()
