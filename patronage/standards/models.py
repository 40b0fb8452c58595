"""Service standards, their measurements, the periods that breached them, pinned examples and the weights of
the staff scorecard (decision 0027).

A standard names one measured interaction ("rings before the phone is answered") with a target a share of
measurements should meet and a minimum none should pass. Measurements arrive from outside (API, CSV, by
hand) or are derived from the product's own data (SLA legs, ratings), each once by its external id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from patronage.care.models import CaseChannel


class Direction(models.TextChoices):
    LOWER = "lower", _("lower is better")
    HIGHER = "higher", _("higher is better")


class Period(models.TextChoices):
    DAY = "day", _("day")
    WEEK = "week", _("week")
    MONTH = "month", _("month")


class Source(models.TextChoices):
    """Where a standard's measurements come from: measured outside, or derived from cases and ratings."""

    MEASURED = "measured", _("measurements sent or uploaded")
    FIRST_RESPONSE = "first_response", _("minutes to a case's first response")
    RESOLUTION = "resolution", _("hours to resolve a case")
    SATISFACTION = "satisfaction", _("customer's rating of a case (1 to 5)")


class Standard(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    unit = models.CharField(_("unit"), max_length=30, help_text=_("e.g. rings, seconds, minutes"))
    unit_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    target = models.FloatField(_("target"))
    minimum = models.FloatField(_("minimum"), help_text=_("no measurement should be worse than this"))
    target_share = models.FloatField(
        _("share meeting the target"),
        default=0.95,
        help_text=_("a fraction: 0.95 means 95 in every 100 measurements"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MEASURED)
    period = models.CharField(_("judged over"), max_length=5, choices=Period.choices, default=Period.WEEK)
    # Where it applies: for a derived standard these choose the cases measured; for one measured outside
    # they say what it is about.
    channel = models.CharField(_("channel"), max_length=10, choices=CaseChannel.choices, blank=True)
    team = models.ForeignKey("care.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    store = models.ForeignKey(
        "commerce.Store", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("warned when a period breaches the minimum"),
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["code"]
        verbose_name = _("service standard")
        verbose_name_plural = _("service standards")
        permissions = [
            ("manage_standards", _("Can define service standards")),
            ("add_measurements", _("Can add measurements of service standards")),
            ("view_standards", _("Can see service standards and their compliance")),
            ("view_own_scorecard", _("Can see their own scorecard")),
            ("view_team_scorecards", _("Can see the scorecards of the teams they lead and pin examples")),
            ("view_all_scorecards", _("Can see every scorecard and set the score's weights")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_share__gt=0, target_share__lte=1), name="standards_target_share_range"
            ),
            models.CheckConstraint(
                condition=(Q(direction="lower", target__lte=F("minimum")))
                | (Q(direction="higher", target__gte=F("minimum"))),
                name="standards_minimum_beyond_target",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    """One measured interaction: a call's rings, a greeting's seconds, a case's minutes to first response."""

    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="measurements")
    value = models.FloatField()
    at = models.DateTimeField()
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey("care.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    store = models.ForeignKey(
        "commerce.Store", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey(
        "care.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the case a derived measurement was read from",
    )
    external_id = models.CharField(
        max_length=100, blank=True, help_text="the sending system's id, so a retried measurement counts once"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "external_id"],
                condition=~Q(external_id=""),
                name="standards_measurement_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["standard", "at"], name="standards_measurement_at"),
            models.Index(fields=["employee", "at"], name="standards_measurement_employee"),
        ]

    def __str__(self) -> str:
        return f"{self.standard.code} {self.value} at {self.at:%Y-%m-%d %H:%M}"


class Breach(models.Model):
    """A period in which a standard's measurements passed its minimum; its owner is warned once for it."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="breaches")
    period = models.CharField(max_length=5, choices=Period.choices)
    period_start = models.DateField()
    count = models.PositiveIntegerField()
    below_minimum = models.PositiveIntegerField()
    meeting_target = models.PositiveIntegerField()
    found_at = models.DateTimeField()

    class Meta:
        ordering = ["-period_start", "standard"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "period", "period_start"], name="standards_breach_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard.code} {self.period} {self.period_start}"


class ExampleKind(models.TextChoices):
    GOOD = "good", _("good example")
    BAD = "bad", _("bad example")


class Example(models.Model):
    """A case or a measured interaction pinned for the team meeting, as one to follow or one to avoid."""

    kind = models.CharField(max_length=4, choices=ExampleKind.choices)
    note = models.TextField(_("note"), max_length=2000)
    case = models.ForeignKey("care.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    measurement = models.ForeignKey(
        Measurement, null=True, blank=True, on_delete=models.CASCADE, related_name="examples"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey("care.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(help_text="when the interaction happened: the meeting of its period shows it")
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pinned_at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, measurement__isnull=True)
                | Q(case__isnull=True, measurement__isnull=False),
                name="standards_example_pins_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} example {self.pk}"


class ScoreWeights(models.Model):
    """How much each part counts in a scorecard's overall score (one row, set by an administrator)."""

    satisfaction = models.PositiveSmallIntegerField(_("customer satisfaction"), default=40)
    sla = models.PositiveSmallIntegerField(_("SLA compliance"), default=20)
    standards = models.PositiveSmallIntegerField(_("standards compliance"), default=20)
    recovery = models.PositiveSmallIntegerField(_("recovery outcome"), default=20)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scorecard weights")
        verbose_name_plural = _("scorecard weights")

    def __str__(self) -> str:
        return "scorecard weights"
