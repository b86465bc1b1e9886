"""The Exhibitors and Booth pages' Qt models pass Qt's model tester and keep edits in memory."""

from __future__ import annotations

from PySide6.QtCore import Qt

from expo.services.catalogue import list_products
from expo.services.events import list_categories
from expo.services.factories import list_factories
from expo.services.leads import InquiryDraft, booth_station, list_leads, record_inquiry
from tests.actors import OFFICE
from tests.fair import build_small_fair
from ui.booth.models import LeadTableModel
from ui.exhibitors.models import CatalogueTableModel, FactoryTableModel


def test_models_pass_the_qt_model_tester(qtmodeltester, empty_db) -> None:
    fair = build_small_fair(empty_db)
    with empty_db.write(OFFICE) as session:
        station = booth_station(session, fair.station_a, fair.factory_a)
        record_inquiry(
            session, fair.factory_a, fair.code_private, InquiryDraft(skus=["CY-001"]), station
        )
    with empty_db.session() as session:
        categories = list_categories(session)
        factories = list_factories(session)
        products = list_products(session, fair.factory_a)
        leads = list_leads(session, fair.factory_a)
    factory_model = FactoryTableModel({code: zh for code, zh, _, _ in categories})
    factory_model.set_factories(factories)
    qtmodeltester.check(factory_model)
    catalogue = CatalogueTableModel(categories)
    catalogue.set_products(products)
    qtmodeltester.check(catalogue)
    lead_model = LeadTableModel()
    lead_model.set_leads(leads)
    qtmodeltester.check(lead_model)
    assert lead_model.index(0, 8).data() == "未授权 not shared"


def test_catalogue_edits_are_tracked_until_saved(empty_db) -> None:
    fair = build_small_fair(empty_db)
    with empty_db.session() as session:
        categories = list_categories(session)
        products = list_products(session, fair.factory_a)
    model = CatalogueTableModel(categories)
    model.set_products(products)
    assert not model.dirty and model.edits() == []
    price = model.index(0, model.column_of("price_min"))
    assert model.setData(price, "36")
    assert model.dirty and [draft.sku for _, draft in model.edits()] == ["CY-001"]
    assert model.setData(price, "35.00")  # back to the saved value: nothing to save
    assert not model.dirty
    oem = model.index(0, model.column_of("oem"))
    assert model.data(oem, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    problems: list[str] = []
    model.problem.connect(problems.append)
    assert not model.setData(model.index(0, model.column_of("moq")), "lots")
    assert problems and "whole number" in problems[0]
    assert model.remove_product(1) and model.deleted_ids() == [products[1].id]
