"""Standards' jobs, run by Celery: measurements derived from legs met and cases rated (beat, every ten
minutes, over the last two days), and the periods that breached a standard (beat, hourly).

Tasks are an interface, like views: they import services, and a service never imports them. Two workers
running either at once create nothing twice (unique indexes; tested on PostgreSQL).
"""

from datetime import timedelta

from celery import shared_task

from patronage.core import clock
from patronage.standards.breaches import breaches_find
from patronage.standards.derive import derived_measurements_refresh

# Wider than the beat interval: a worker that was down for a day still catches up on its next run.
DERIVE_WINDOW = timedelta(days=2)


@shared_task(name="standards.derive")
def derive_task() -> int:
    """Derives the measurements of the legs met and the cases rated in the last two days; returns how many
    are new."""
    return derived_measurements_refresh(since=clock.now() - DERIVE_WINDOW)


@shared_task(name="standards.breaches_find")
def breaches_find_task() -> int:
    """Records the last complete period of each standard that passed its minimum and warns its owner;
    returns how many breaches are new."""
    return breaches_find()
