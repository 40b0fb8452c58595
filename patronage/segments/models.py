"""Segments: the one-to-one classes of customers a business serves alike (decision 0028).

A segment is either kept by its rules (a tree of conditions over the customer file, purchases, loyalty and
analytics, `rules.py`) or static (a list the business gave). Its members are stored, kept fresh by the
changes that can move them (`upkeep.py`), so sending to a segment, counting it and showing a member's
segments never evaluates its rules again.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from patronage.members.models import Member


class SegmentKind(models.TextChoices):
    RULES = "rules", _("Those who meet its rules")
    STATIC = "static", _("A list of customers")


class Segment(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    description_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    kind = models.CharField(max_length=8, choices=SegmentKind.choices, default=SegmentKind.RULES)
    rules: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    # What the rules read, worked out from them when they are saved: the timeline kinds whose events can
    # move a member in or out (and "segment:<code>" for a rule on another segment), and whether time
    # alone can move one ("no purchase for 90 days").
    reads: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    time_based = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    member_count = models.PositiveIntegerField(default=0, help_text="kept with the membership rows")
    refreshed_at = models.DateTimeField(null=True, blank=True, help_text="last full evaluation")
    clock_checked_at = models.DateTimeField(null=True, blank=True, help_text="time-based rules checked up to")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["code"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        permissions = [
            ("manage_segments", _("Can build segments")),
            ("view_segments", _("Can see segments and their members")),
        ]

    def __str__(self) -> str:
        return self.code


class SegmentMember(models.Model):
    """A member in a segment now; leaving deletes the row (the timeline keeps the history)."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="segment_memberships")
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "member"], name="segment_member_once"),
        ]
        indexes = [models.Index(fields=["member"], name="segment_member_by_member")]

    def __str__(self) -> str:
        return f"{self.segment_id}:{self.member_id}"


class SegmentSize(models.Model):
    """A segment's size at the end of a day, for its size over time."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="sizes")
    day = models.DateField()
    members = models.PositiveIntegerField()

    class Meta:
        ordering = ["segment", "day"]
        constraints = [models.UniqueConstraint(fields=["segment", "day"], name="segment_size_per_day")]

    def __str__(self) -> str:
        return f"{self.segment_id} {self.day}: {self.members}"


class UpkeepMark(models.Model):
    """How far the upkeep has read a stream of changes: the timeline's last event id, the last finished
    import, the latest run of each analysis."""

    key = models.CharField(max_length=48, unique=True)
    value = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class Reconciliation(models.Model):
    """One nightly proof that the kept members equal a full evaluation of the rules, and what differed."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="reconciliations")
    at = models.DateTimeField()
    members = models.PositiveIntegerField()
    missing = models.PositiveIntegerField(help_text="met the rules but were not kept")
    extra = models.PositiveIntegerField(help_text="kept but no longer met the rules")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.segment_id} {self.at:%Y-%m-%d}: -{self.missing} +{self.extra}"
