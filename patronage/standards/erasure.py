"""What erasure does to standards' tables (the members.erasure registry).

Standards measure staff and their work, not customers; the one place a customer can appear is the note on
a pinned case, which may name them.
"""

from __future__ import annotations

from patronage.care.erasure import subject_cases
from patronage.members.erasure import PersonalTable, Scrub, no_personal_data, personal_data
from patronage.standards.models import Example

personal_data(
    PersonalTable(
        "standards.Example",
        rows=lambda subject: Example.objects.filter(case__in=subject_cases(subject)),
        fields={"note": Scrub.REDACT, "kind": Scrub.KEEP},
        why="a note on a pinned case may name its customer",
    )
)
for model, why in (
    ("standards.Standard", "the business's service standards"),
    ("standards.Measurement", "a measured interaction: a value, a time, the staff, team and store"),
    ("standards.Breach", "a period in which a standard was breached"),
    ("standards.ScoreWeights", "how much each part counts in a staff scorecard"),
):
    no_personal_data(model, why)
