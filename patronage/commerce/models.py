"""Commerce reference data the loyalty, care and analytics apps build on (SPEC C1)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patronage.members.models import Member


class Brand(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    def __str__(self) -> str:
        return self.name


class ChannelKind(models.TextChoices):
    STORE = "store", _("Store")
    ONLINE = "online", _("Online shop")
    APP = "app", _("Mobile app")
    CALL_CENTRE = "call_centre", _("Call centre")
    MARKETPLACE = "marketplace", _("Marketplace")


class Channel(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)

    def __str__(self) -> str:
        return self.name


class Store(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="stores")
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="stores")
    city = models.CharField(_("city"), max_length=100, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="products"
    )
    list_price = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class OrderKind(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    RETURN = "return", _("Return")


class Order(models.Model):
    """A purchase or a return, as sent by a POS or shop; unique on (source, external id)."""

    source = models.CharField(max_length=32, default="", blank=True, help_text="sending system")
    external_id = models.CharField(max_length=128)
    kind = models.CharField(max_length=16, choices=OrderKind.choices, default=OrderKind.PURCHASE)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    original = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="returns",
        help_text="purchase returned",
    )
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    store = models.ForeignKey(Store, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    occurred_at = models.DateTimeField(db_index=True)
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="total paid (purchase) or refunded (return), tax included"
    )
    tax = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    shipping = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    discount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    promotion_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="order_unique_external_id"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="order_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(kind="purchase", original__isnull=True) | Q(kind="return"),
                name="order_only_returns_have_original",
            ),
        ]
        indexes = [models.Index(fields=["member", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.external_id}"

    @property
    def is_promotional(self) -> bool:
        return bool(self.promotion_code) or self.discount > 0


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(max_digits=14, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["order", "line_no"]
        constraints = [models.UniqueConstraint(fields=["order", "line_no"], name="order_line_unique_no")]

    def __str__(self) -> str:
        return f"{self.sku} x {self.quantity}"


class ProblemKind(models.TextChoices):
    DELAY = "delay", _("Delivery delay")
    BACK_ORDER = "back_order", _("Back-order")
    RECALL = "recall", _("Product recall")
    DEFECT = "defect", _("Defective product")
    WRONG_ITEM = "wrong_item", _("Wrong item")
    OUTAGE = "outage", _("Service outage")


class OrderProblem(models.Model):
    """Something that went wrong with an order, whether or not the customer complained."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(max_length=16, choices=ProblemKind.choices)
    detected_at = models.DateTimeField()
    description = models.CharField(max_length=300, blank=True)
    reported_at = models.DateTimeField(
        null=True, blank=True, help_text="when the customer complained; empty when they stayed silent"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    customer_satisfied = models.BooleanField(
        null=True, blank=True, help_text="the customer's verdict on the resolution, when asked"
    )

    class Meta:
        ordering = ["-detected_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.order_id}"
