"""An inquiry typed on the Booth page and not saved yet, as plain values.

When the next buyer's badge is scanned, the form of the buyer on the card is kept as their
draft (so it is never saved against the next buyer) and comes back when they are scanned again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from expo.models import LeadRating
from expo.services.catalogue import ProductInfo

if TYPE_CHECKING:
    from ui.booth.page import BoothPage


@dataclass(frozen=True)
class InquiryForm:
    picked: dict[int, ProductInfo]
    quantity: int
    target_price: str
    customisation: str
    notes: str
    rating: LeadRating | None
    follow_up_on: dt.date | None

    def is_empty(self) -> bool:
        return not (
            self.picked
            or self.quantity
            or self.target_price.strip()
            or self.customisation.strip()
            or self.notes.strip()
            or self.rating is not None
            or self.follow_up_on is not None
        )


def capture_form(page: BoothPage) -> InquiryForm:
    return InquiryForm(
        picked=dict(page.picked),
        quantity=page.quantity.value(),
        target_price=page.target_price.text(),
        customisation=page.customisation.text(),
        notes=page.notes.toPlainText(),
        rating=page.rating(),
        follow_up_on=page.follow_up.value(),
    )


def restore_form(page: BoothPage, form: InquiryForm) -> None:
    page.clear_form()
    page.picked.update(form.picked)
    page._show_matches(page.product_search.text())
    page._show_picked()
    page.quantity.setValue(form.quantity)
    page.target_price.setText(form.target_price)
    page.customisation.setText(form.customisation)
    page.notes.setPlainText(form.notes)
    if form.rating is not None:
        page.rating_buttons[form.rating].setChecked(True)
    page.follow_up.set_value(form.follow_up_on)
