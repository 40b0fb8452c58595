"""What erasure does to the stored analyses (the members.erasure registry): a person's scores go, and so
do their records in the runs' results (the top customers); the aggregates stay."""

from __future__ import annotations

from patronage.analytics.models import AnalysisRun, CustomerScore
from patronage.members.erasure import PersonalTable, Scrub, personal_data

# Results list customers as records keyed by member id (analytics.extract.CUSTOMER, "member"): DROP_RECORDS
# takes out those naming the person.
personal_data(
    PersonalTable(
        "analytics.AnalysisRun",
        rows=lambda subject: AnalysisRun.objects.filter(scores__member_id__in=subject.member_ids).distinct(),
        fields={
            "kind": Scrub.KEEP,
            "status": Scrub.KEEP,
            "params": Scrub.KEEP,
            "progress_message": Scrub.KEEP,
            "error": Scrub.KEEP,
            "result": Scrub.DROP_RECORDS,
        },
        why="runs that scored the person: their records leave the result; parameters and errors are the "
        "analysis's own",
    )
)
personal_data(
    PersonalTable(
        "analytics.CustomerScore",
        rows=lambda subject: CustomerScore.objects.filter(member_id__in=subject.member_ids),
        delete=True,
        why="a person's scores (value, churn risk and its reasons, segment)",
    )
)
