"""Sent after the calendar changed (a year seeded, imported or edited), once the change is committed: what was
counted with an estimated calendar may be counted again (the cases app listens)."""

from django.dispatch import Signal

calendar_changed = Signal()
