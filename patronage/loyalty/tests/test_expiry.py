from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from patronage.loyalty.expiry import expiry_date

SEOUL = ZoneInfo("Asia/Seoul")


@dataclass
class Settings:
    expiry_policy: str
    expiry_days: int | None = None
    time_zone: str = "Asia/Seoul"


EARNED = datetime(2026, 1, 31, 23, 30, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("settings", "expires"),
    [
        (Settings("never"), None),
        (Settings("inactivity", 365), None),
        (Settings("days_after_earning", 90), datetime(2026, 5, 1, 23, 30, tzinfo=SEOUL)),
        (Settings("end_of_month"), datetime(2026, 2, 1, tzinfo=SEOUL)),
        (Settings("end_of_year"), datetime(2027, 1, 1, tzinfo=SEOUL)),
    ],
)
def test_points_expire_by_the_programs_policy(settings, expires):
    assert expiry_date(settings, EARNED) == expires


def test_the_month_ends_in_the_programs_time_zone_not_in_utc():
    earned_utc = datetime(2026, 1, 31, 16, 0, tzinfo=ZoneInfo("UTC"))  # already 1 February in Seoul
    assert expiry_date(Settings("end_of_month"), earned_utc) == datetime(2026, 3, 1, tzinfo=SEOUL)
