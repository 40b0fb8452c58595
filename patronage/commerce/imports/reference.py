"""The brands, channels, stores, categories and products orders point at, by code; unknown codes are created."""

from __future__ import annotations

from collections import Counter
from typing import TypeVar

from django.db.models import Model

from patronage.commerce.imports.orders import LineDraft, OrderDraft
from patronage.commerce.models import Brand, Category, Channel, ChannelKind, Product, Store
from patronage.members.imports.messages import Message

_Ref = TypeVar("_Ref", bound=Model)
_Coded = TypeVar("_Coded", Brand, Category)
DEFAULT_CHANNEL = "store"  # the channel of a new store whose rows name none


class References:
    """Brands, channels, stores, categories and products by code; unknown codes are created and counted."""

    def __init__(self) -> None:
        self.brands: dict[str, Brand] = {}
        self.channels: dict[str, Channel] = {}
        self.stores: dict[str, Store] = {}
        self.categories: dict[str, Category] = {}
        self.products: dict[str, Product] = {}
        self.created: Counter[str] = Counter()

    def ensure(self, drafts: list[OrderDraft]) -> None:
        """Loads, or creates when unknown, everything the orders name (call inside the import's transaction)."""
        lines = [line for draft in drafts for line in draft.lines]
        self._plain(Brand, self.brands, {draft.brand for draft in drafts}, "brands")
        self._plain(Category, self.categories, {line.category for line in lines}, "categories")
        self._stores(drafts)
        self._products(lines)

    def notes(self) -> list[Message]:
        """One sentence per kind of reference created, translated (with its plural) when shown."""
        created = self.created
        notes = [
            Message.ngettext(
                "%(count)d new brand created", "%(count)d new brands created", created["brands"]
            ),
            Message.ngettext(
                "%(count)d new category created", "%(count)d new categories created", created["categories"]
            ),
            Message.ngettext(
                "%(count)d new channel created", "%(count)d new channels created", created["channels"]
            ),
            Message.ngettext(
                "%(count)d new product created", "%(count)d new products created", created["products"]
            ),
            Message.ngettext(
                "%(count)d new store created", "%(count)d new stores created", created["stores"]
            ),
        ]
        return [note for note in notes if note.count]

    def _missing(
        self, model: type[_Ref], cache: dict[str, _Ref], codes: set[str], field: str = "code"
    ) -> list[str]:
        wanted = sorted(code for code in codes if code and code not in cache)
        if wanted:
            found = model._default_manager.filter(**{f"{field}__in": wanted})
            cache.update({getattr(obj, field): obj for obj in found})
        return [code for code in wanted if code not in cache]

    def _plain(self, model: type[_Coded], cache: dict[str, _Coded], codes: set[str], kind: str) -> None:
        missing = self._missing(model, cache, codes)
        created = model._default_manager.bulk_create([model(code=code, name=code) for code in missing])
        cache.update({obj.code: obj for obj in created})
        self.created[kind] += len(created)

    def _channels(self, codes: set[str]) -> None:
        missing = self._missing(Channel, self.channels, codes)
        kinds_known = set(ChannelKind.values)
        created = Channel.objects.bulk_create(
            [
                Channel(code=code, name=code, kind=code if code in kinds_known else ChannelKind.STORE)
                for code in missing
            ]
        )
        self.channels.update({channel.code: channel for channel in created})
        self.created["channels"] += len(created)

    def _stores(self, drafts: list[OrderDraft]) -> None:
        missing = self._missing(Store, self.stores, {draft.store for draft in drafts})
        first = {draft.store: draft for draft in reversed(drafts)}
        needs_default = any(not first[code].channel for code in missing)
        self._channels({draft.channel for draft in drafts} | ({DEFAULT_CHANNEL} if needs_default else set()))
        created = Store.objects.bulk_create(
            [
                Store(
                    code=code,
                    name=code,
                    channel=self.channels[first[code].channel or DEFAULT_CHANNEL],
                    brand=self.brands.get(first[code].brand),
                )
                for code in missing
            ]
        )
        self.stores.update({store.code: store for store in created})
        self.created["stores"] += len(created)

    def _products(self, lines: list[LineDraft]) -> None:
        missing = self._missing(Product, self.products, {line.sku for line in lines}, field="sku")
        first = {line.sku: line for line in reversed(lines)}
        created = Product.objects.bulk_create(
            [
                Product(
                    sku=sku,
                    name=first[sku].product_name or sku,
                    category=self.categories.get(first[sku].category),
                )
                for sku in missing
            ]
        )
        self.products.update({product.sku: product for product in created})
        self.created["products"] += len(created)
