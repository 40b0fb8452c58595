"""Stored analyses: each run with the parameters and data window it used, and its per-customer scores."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patronage.members.models import Member


class AnalysisKind(models.TextChoices):
    CLV = "clv", _("Lifetime value")
    CHURN = "churn", _("Churn")
    LOYALTY = "loyalty", _("Loyalty")
    DEAL_SEEKERS = "deal_seekers", _("Deal-seekers")
    SERVICE = "service", _("Complaint outcomes")
    WHATIF = "whatif", _("What-if study")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class AnalysisRun(models.Model):
    """One computation of one analysis. The last finished run of a kind stays readable while the next runs."""

    kind = models.CharField(max_length=16, choices=AnalysisKind.choices)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    params: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    window_start = models.DateTimeField(null=True, blank=True, help_text="first order read (inclusive)")
    window_end = models.DateTimeField(help_text="last moment of the data read (inclusive)")
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    result: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Touched with every progress step: a run whose worker died stops touching it, and can be claimed again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One queued or running run per kind: a second request joins it instead of computing twice.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(status__in=["queued", "running"]),
                name="analysis_run_one_active_per_kind",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="analysis_run_progress_percent"),
        ]
        indexes = [models.Index(fields=["kind", "status", "-finished_at"], name="analysis_run_latest")]
        permissions = [
            ("view_analytics", _("Can see every analysis and run it again")),
            (
                "view_customer_analyses",
                _("Can see loyalty, lifetime value, deal-seekers and churn, with customers' scores"),
            ),
            ("view_service_analyses", _("Can see complaint outcomes, response speed and what-if studies")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class CustomerScore(models.Model):
    """One customer's result in one run; a run fills the columns its analysis computes, the others stay empty."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    frequency = models.FloatField(null=True)
    recency = models.FloatField(null=True)
    T = models.FloatField(null=True)
    monetary = models.FloatField(null=True)
    p_alive = models.FloatField(null=True)
    expected_purchases = models.FloatField(null=True)
    expected_spend = models.FloatField(null=True)
    clv = models.FloatField(null=True)
    churn_risk = models.FloatField(null=True)
    churn_reasons: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    loyalty_index = models.FloatField(null=True)
    rfm_segment = models.CharField(max_length=32, blank=True)
    deal_seeker = models.BooleanField(null=True)

    class Meta:
        ordering = ["run", "member"]
        constraints = [models.UniqueConstraint(fields=["run", "member"], name="customer_score_one_per_run")]
        indexes = [models.Index(fields=["run", "rfm_segment"], name="customer_score_segment")]

    def __str__(self) -> str:
        return f"run {self.run_id} member {self.member_id}"
