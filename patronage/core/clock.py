"""The one place the product asks for the time, so tests can freeze it (time-machine)."""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate()
