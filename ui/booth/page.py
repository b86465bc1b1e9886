"""The Booth page (展位询盘): a station bound to one factory scans a buyer's badge, logs what the
buyer asked about the factory's products, and lists the factory's leads.

Keyboard flow: scan (the scan field has the focus) → type to find a product, Enter picks the
first match (Down and Space pick from the list) → Tab to the factory's questions (digit keys pick
options, Tab goes to the next) → quantity, target price, customisation, notes, salesperson, tags
→ Ctrl+Enter or F2 saves and gives the focus back to the scan field. A buyer without a badge is
typed in (F4, "No badge"). The right side has tabs: the leads (filtered by tag or answer, consent
at the booth), follow-up (due today, templates), the factory's figures and its questions.
Scanning and saving are single-row look-ups and writes (well under a millisecond), done on the
GUI thread so the buyer appears at once; the export runs off it.

A scan always replaces the buyer on the card, wherever the focus was (the window recognises
the scanner's burst and calls ``handle_scanner_burst``). What was typed for the previous buyer
and not saved is kept as that buyer's draft (``ui.booth.drafts``) and comes back when their
badge is scanned again: it is never saved against the next buyer. Times are on the event's
clock, as at the desk.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from expo.colors import text_color_on
from expo.errors import ExpoError
from expo.models import LeadRating, StationKind
from expo.services.catalogue import (
    ProductFieldError,
    ProductInfo,
    ProductMatcher,
    list_products,
    parse_price,
)
from expo.services.checkin import event_zone
from expo.services.factories import FactorySummary, list_factories
from expo.services.lead_csv import PRESET_LABELS, CsvExport, export_leads_csv
from expo.services.lead_export import InquiryExport, export_inquiries
from expo.services.lead_questions import QuestionInfo, list_questions
from expo.services.lead_tags import factory_tags
from expo.services.leads import (
    BadgeRefused,
    BuyerCard,
    InquiryDraft,
    bind_booth_station,
    identify_buyer,
    list_inquiries,
    list_leads,
    record_consent,
    record_inquiry,
    update_lead,
)
from expo.services.salespeople import station_salespeople
from expo.services.unbadged import UnbadgedBuyer, record_unbadged_inquiry
from expo.text.labels import VISITOR_TYPE_COLORS, visitor_type_label
from ui.booth.drafts import InquiryForm, capture_form, restore_form
from ui.booth.lead_editor import FollowUpField, LeadEditor
from ui.booth.lead_extras import SalespersonBox, TagsField
from ui.booth.lead_filter import LeadFilterBar
from ui.booth.models import RATING_COLORS, RATING_TEXT, LeadTableModel, local_time
from ui.booth.questions_form import QuestionsForm
from ui.booth.side_panels import FiguresPanel, FollowUpPanel, QuestionsPanel
from ui.booth.unbadged_dialog import UnbadgedDialog
from ui.context import AppContext
from ui.settings import BOOTH_FACTORY, STATION_NAME
from ui.widgets.factory_files import ask_xlsx_path, export_factory_file, show_status
from ui.widgets.scan_field import ScanField

SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter", "F2")
CARD_STYLES = {
    "idle": "#card { background: #f1f5f9; border: 1px solid #cbd5e1; border-radius: 10px; }",
    "ok": "#card { background: #dcfce7; border: 2px solid #16a34a; border-radius: 10px; }",
    "refused": "#card { background: #fee2e2; border: 2px solid #dc2626; border-radius: 10px; }",
    "saved": "#card { background: #e0f2fe; border: 2px solid #0284c7; border-radius: 10px; }",
}


class _SearchKeys(QObject):
    """Enter in the product search picks the first match; Down goes to the list."""

    def __init__(self, page: BoothPage) -> None:
        super().__init__(page)
        self.page = page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            plain = not (event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
                self.page.pick_first_match()
                return True
            if event.key() == Qt.Key.Key_Down and self.page.product_list.count():
                self.page.product_list.setFocus()
                self.page.product_list.setCurrentRow(0)
                return True
        return False


def _label_column_width(form: QFormLayout) -> int:
    """The width of a form's label column: the widest label."""
    widths = [0]
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        if item is not None and item.widget() is not None:
            widths.append(item.widget().sizeHint().width())
    return max(widths)


class BoothPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.station_name = ctx.settings.get(STATION_NAME)
        self.factory: FactorySummary | None = None
        self.products: list[ProductInfo] = []
        self.matcher = ProductMatcher(())
        self.picked: dict[int, ProductInfo] = {}
        self.buyer: BuyerCard | None = None
        # Unsaved inquiries of buyers scanned before the one on the card, by visitor id.
        self.drafts: dict[int, tuple[BuyerCard, InquiryForm]] = {}
        self.unbadged: UnbadgedBuyer | None = None  # a buyer typed in by hand, not yet saved
        self.questions: list[QuestionInfo] = []
        self.last_export: InquiryExport | CsvExport | None = None

        # -- binding: which factory this station works for (a setting of this computer)
        self.factory_combo = QComboBox()
        self.factory_combo.setObjectName("boothFactory")
        self.factory_combo.setEditable(True)
        self.factory_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.factory_combo.setMinimumWidth(380)
        self.factory_combo.lineEdit().setPlaceholderText(self.tr("选择工厂 Choose the factory"))
        completer = self.factory_combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.binding_label = QLabel(
            self.tr("← 选择本展位的工厂 Choose this booth's factory to start")
        )
        self.binding_label.setObjectName("bindingLabel")
        binding = QHBoxLayout()
        title = QLabel(self.tr("展位询盘 Booth"))
        title.setStyleSheet("font-size: 20px; font-weight: 600;")
        binding.addWidget(title)
        binding.addSpacing(16)
        binding.addWidget(
            QLabel(self.tr("本机 {name} 绑定 bound to:").format(name=self.station_name))
        )
        binding.addWidget(self.factory_combo)
        binding.addWidget(self.binding_label, 1)

        # -- scan and the buyer's card
        self.scan_field = ScanField(keep_focus=False)
        self.scan_field.setObjectName("boothScan")
        self.scan_field.setStyleSheet("font-size: 16px; padding: 6px;")
        self.scan_field.setPlaceholderText(
            self.tr("扫描观众证 Scan the badge (or type the registration no. + Enter)")
        )
        self.card = QFrame()
        self.card.setObjectName("card")
        self.buyer_name = QLabel("—")
        self.buyer_name.setObjectName("buyerName")
        self.buyer_name.setStyleSheet("font-size: 26px; font-weight: 700;")
        self.buyer_company = QLabel()
        self.buyer_company.setObjectName("buyerCompany")
        self.buyer_company.setStyleSheet("font-size: 16px;")
        self.buyer_type = QLabel()
        self.buyer_type.setObjectName("buyerType")
        self.buyer_note = QLabel(self.tr("等待扫码 Waiting for a scan"))
        self.buyer_note.setObjectName("buyerNote")
        self.buyer_note.setWordWrap(True)
        # Room for a two-line refusal: a wrapped label's height is not negotiated by the layout.
        self.buyer_note.setMinimumHeight(self.buyer_note.fontMetrics().lineSpacing() * 2 + 4)
        self.buyer_note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        card_layout = QGridLayout(self.card)
        card_layout.addWidget(self.buyer_name, 0, 0)
        card_layout.addWidget(self.buyer_type, 0, 1, Qt.AlignmentFlag.AlignRight)
        card_layout.addWidget(self.buyer_company, 1, 0, 1, 2)
        card_layout.addWidget(self.buyer_note, 2, 0, 1, 2)
        self._card_state("idle")

        # -- the inquiry form
        self.product_search = QLineEdit()
        self.product_search.setObjectName("productSearch")
        self.product_search.setPlaceholderText(
            self.tr("找产品 Find a product: 名称 name, 拼音 pinyin, 货号 SKU — Enter picks")
        )
        self.product_search.setClearButtonEnabled(True)
        self.product_search.installEventFilter(_SearchKeys(self))
        self.product_list = QListWidget()
        self.product_list.setObjectName("productList")
        self.product_list.setMinimumHeight(96)
        self.product_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.product_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.picked_label = QLabel()
        self.picked_label.setObjectName("pickedProducts")
        self.picked_label.setWordWrap(True)
        self.quantity = QSpinBox()
        self.quantity.setObjectName("quantity")
        self.quantity.setRange(0, 100_000_000)
        self.quantity.setSpecialValueText("—")
        self.quantity.setGroupSeparatorShown(True)
        self.quantity.setSuffix(self.tr(" 件 pcs"))
        self.target_price = QLineEdit()
        self.target_price.setObjectName("targetPrice")
        self.target_price.setPlaceholderText(self.tr("¥ 每件 per piece, e.g. 28.50"))
        self.customisation = QLineEdit()
        self.customisation.setObjectName("customisation")
        self.customisation.setPlaceholderText(self.tr("logo, 颜色 colour, 包装 packaging…"))
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(56)
        self.rating_buttons: dict[LeadRating, QPushButton] = {}
        ratings = QHBoxLayout()
        for rating, label in (
            (LeadRating.HOT, self.tr("热 &Hot")),
            (LeadRating.WARM, self.tr("温 &Warm")),
            (LeadRating.COLD, self.tr("冷 &Cold")),
        ):
            button = QPushButton(label)
            button.setCheckable(True)
            button.setObjectName(f"rating_{rating.value}")
            colour = RATING_COLORS[rating]
            # A border makes Qt paint the colour flat: without one the native style lays a
            # lighter gradient over it and the white label loses its contrast.
            button.setStyleSheet(
                f"QPushButton:checked {{ background: {colour}; color: {text_color_on(colour)};"
                f" border: 1px solid {colour}; border-radius: 4px; padding: 3px 8px;"
                " font-weight: 600; }"
            )
            button.toggled.connect(lambda on, r=rating: self._rating_toggled(r, on))
            self.rating_buttons[rating] = button
            ratings.addWidget(button)
        ratings.addStretch(1)
        self.follow_up = FollowUpField()
        self.follow_up.setObjectName("followUp")
        self.questions_form = QuestionsForm()
        self.salesperson = SalespersonBox()
        self.tags = TagsField()
        self.unbadged_button = QPushButton(self.tr("无胸卡 F4"))
        self.unbadged_button.setObjectName("unbadgedButton")
        self.unbadged_button.setToolTip(
            self.tr("买家没带胸卡：手动录入 A buyer without a badge: type them in")
        )
        self.save_button = QPushButton(self.tr("保存询盘 Save inquiry   Ctrl+Enter / F2"))
        self.save_button.setObjectName("saveInquiry")
        self.save_button.setStyleSheet(
            "QPushButton { background: #e8833a; color: white; font-size: 15px; font-weight: 600;"
            " padding: 8px; border-radius: 6px; } QPushButton:disabled { background: #cbd5e1; }"
        )
        self.form_message = QLabel()
        self.form_message.setObjectName("formMessage")
        self.form_message.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("产品 Products"), self.product_search)
        form.addRow("", self.product_list)
        form.addRow(self.tr("已选 Picked"), self.picked_label)
        form.addRow(self.questions_form)
        amount = QHBoxLayout()
        amount.addWidget(self.quantity, 1)
        amount.addWidget(self.target_price, 1)
        form.addRow(self.tr("数量/目标价 Qty / price"), amount)
        form.addRow(self.tr("定制 Customisation"), self.customisation)
        form.addRow(self.tr("备注 Notes"), self.notes)
        who = QHBoxLayout()
        who.addWidget(self.salesperson, 1)
        who.addWidget(self.tags, 2)
        form.addRow(self.tr("销售/标签 By / tags"), who)
        form.addRow(self.tr("评级 Rating"), ratings)
        form.addRow("", self.follow_up)
        self.questions_form.label_width = _label_column_width(form)

        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(self.unbadged_button)
        left = QVBoxLayout()
        left.addLayout(scan_row)
        left.addWidget(self.card)
        left.addLayout(form)
        left.addWidget(self.save_button)
        left.addWidget(self.form_message)
        left.addStretch(1)
        form_widget = QWidget()
        form_widget.setLayout(left)
        # The factory's questions may make the form taller than a 1280x800 window: it scrolls.
        left_widget = QScrollArea()
        left_widget.setObjectName("boothForm")
        left_widget.setWidget(form_widget)
        left_widget.setWidgetResizable(True)
        left_widget.setFrameShape(QFrame.Shape.NoFrame)
        left_widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_widget.setMinimumWidth(470)
        left_widget.setMaximumWidth(540)

        # -- the factory's leads
        self.lead_model = LeadTableModel(self)
        self.lead_table = QTableView()
        self.lead_table.setObjectName("leadTable")
        self.lead_table.setModel(self.lead_model)
        self.lead_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lead_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lead_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lead_table.verticalHeader().hide()
        self.lead_table.setAlternatingRowColors(True)
        header = self.lead_table.horizontalHeader()
        for column, width in enumerate((72, 150, 96, 66, 52, 54, 100, 88, 116)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        self.lead_count = QLabel()
        self.lead_count.setObjectName("leadCount")
        self.lead_details = QLabel()
        self.lead_details.setObjectName("leadDetails")
        self.lead_details.setWordWrap(True)
        self.lead_details.setTextFormat(Qt.TextFormat.PlainText)
        self.lead_details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.lead_details.setMinimumHeight(90)
        self.export_button = QPushButton(self.tr("导出线索 Export…"))
        self.export_button.setObjectName("exportLeads")
        export_menu = QMenu(self.export_button)
        export_menu.addAction(self.tr("Excel 询盘+线索 XLSX…"), self._ask_export)
        export_menu.addSeparator()
        for preset, label in PRESET_LABELS.items():
            export_menu.addAction(f"CSV · {label}…", lambda p=preset: self._ask_csv_export(p))
        self.export_button.setMenu(export_menu)
        self.filter_bar = LeadFilterBar()
        self.consent_button = QPushButton(self.tr("展位授权联系 Consent here"))
        self.consent_button.setObjectName("consentButton")
        self.consent_button.setToolTip(
            self.tr("买家在展位同意本工厂联系：记录时间和站点 The buyer agrees at this booth")
        )
        self.consent_button.setEnabled(False)
        leads_title = QLabel(self.tr("本展位线索 This factory's leads"))
        leads_title.setStyleSheet("font-size: 16px; font-weight: 600;")
        leads_top = QHBoxLayout()
        leads_top.addWidget(leads_title)
        leads_top.addWidget(self.lead_count)
        leads_top.addStretch(1)
        leads_top.addWidget(self.export_button)
        details = QHBoxLayout()
        details.addWidget(self.lead_details, 1)
        details.addWidget(self.consent_button, 0, Qt.AlignmentFlag.AlignTop)
        right = QVBoxLayout()
        right.addLayout(leads_top)
        right.addWidget(self.filter_bar)
        right.addWidget(self.lead_table, 1)
        right.addLayout(details)
        self.lead_editor = LeadEditor()
        right.addWidget(self.lead_editor)
        leads_tab = QWidget()
        leads_tab.setLayout(right)
        self.follow_up_panel = FollowUpPanel(ctx)
        self.figures_panel = FiguresPanel(ctx)
        self.questions_panel = QuestionsPanel(ctx)
        self.side_tabs = QTabWidget()
        self.side_tabs.setObjectName("boothTabs")
        self.side_tabs.addTab(leads_tab, self.tr("线索 Leads"))
        self.side_tabs.addTab(self.follow_up_panel, self.tr("跟进 Follow-up"))
        self.side_tabs.addTab(self.figures_panel, self.tr("数据 Figures"))
        self.side_tabs.addTab(self.questions_panel, self.tr("问题 Questions"))

        body = QHBoxLayout()
        body.addWidget(left_widget)
        body.addWidget(self.side_tabs, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(binding)
        layout.addLayout(body, 1)

        # -- wiring
        self.scan_field.scanned.connect(self.scan)
        self.product_search.textChanged.connect(self._show_matches)
        self.product_list.itemChanged.connect(self._item_checked)
        self.save_button.clicked.connect(self.save)
        self.factory_combo.activated.connect(self._factory_chosen)
        self.lead_table.selectionModel().currentRowChanged.connect(self._lead_selected)
        # Enter on a lead goes to its follow-up panel; Ctrl+Enter there saves it.
        self.lead_table.activated.connect(lambda _index: self.lead_editor.focus())
        self.lead_editor.save_requested.connect(self.save_lead)
        self.filter_bar.changed.connect(self.refresh_leads)
        self.consent_button.clicked.connect(self.record_consent)
        self.unbadged_button.clicked.connect(self.ask_unbadged)
        self.questions_panel.questions_changed.connect(self._load_questions)
        self.salesperson.currentTextChanged.connect(self._salesperson_changed)
        no_badge = QShortcut(QKeySequence("F4"), self)
        no_badge.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        no_badge.activated.connect(self.ask_unbadged)
        for keys in SAVE_KEYS:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._save_key)
        scan_again = QShortcut(QKeySequence("Esc"), self)
        scan_again.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        scan_again.activated.connect(self.focus_scan)
        self._factories_loaded = False
        self._update_enabled()

    # -- binding the station to a factory
    def activated(self) -> None:
        if not self._factories_loaded:
            with self.ctx.db.session() as session:
                self.lead_model.zone = event_zone(session)
            self._load_factories()
            bound = self.ctx.settings.get(BOOTH_FACTORY)
            if bound:
                self.bind_to(bound)
        self.refresh_leads()
        self.focus_scan()

    def _load_factories(self) -> None:
        with self.ctx.db.session() as session:
            factories = list_factories(session)
        self.factory_combo.blockSignals(True)
        self.factory_combo.clear()
        for factory in factories:
            booth = f" · {factory.booth}" if factory.booth else ""
            self.factory_combo.addItem(f"{factory.name}{booth} · #{factory.id}", factory.id)
        self.factory_combo.setCurrentIndex(-1)
        self.factory_combo.blockSignals(False)
        self._factories_loaded = True

    def _factory_chosen(self, index: int) -> None:
        factory_id = self.factory_combo.itemData(index)
        if factory_id is not None and (self.factory is None or factory_id != self.factory.id):
            unsaved = self.unsaved_work()
            if unsaved:
                from ui.main_window import confirm_discard

                if not confirm_discard(self, unsaved):
                    self._show_bound_factory()
                    return
            self.drafts.clear()
            self.bind_to(int(factory_id))
        # The next scan goes to the scan field, not into the factory chooser (after the
        # combo box has finished with its popup and completer).
        QTimer.singleShot(0, self, self.focus_scan)

    def _show_bound_factory(self) -> None:
        self.factory_combo.blockSignals(True)
        index = self.factory_combo.findData(self.factory.id) if self.factory is not None else -1
        self.factory_combo.setCurrentIndex(index)
        self.factory_combo.blockSignals(False)

    def bind_to(self, factory_id: int) -> bool:
        """Make this station the booth of ``factory_id`` (remembered in the settings)."""
        if not self._factories_loaded:
            self._load_factories()
        try:
            with self.ctx.write(StationKind.BOOTH, factory_id) as session:
                bind_booth_station(session, self.station_name, factory_id)
                factory = next(f for f in list_factories(session) if f.id == factory_id)
                products = list_products(session, factory_id)
        except (ExpoError, StopIteration):
            self.binding_label.setText(
                self.tr("工厂 {id} 不存在 Factory {id} is not in this event; choose one.").format(
                    id=factory_id
                )
            )
            self.ctx.settings.set(BOOTH_FACTORY, 0)
            return False
        self.ctx.settings.set(BOOTH_FACTORY, factory_id)
        self.factory = factory
        self.products = products
        self.matcher = ProductMatcher.of(products)
        self.factory_combo.blockSignals(True)
        self.factory_combo.setCurrentIndex(self.factory_combo.findData(factory_id))
        self.factory_combo.blockSignals(False)
        top = "  ★ TOP100" if factory.top100 else ""
        self.binding_label.setText(
            f"{self.tr('展位 Booth')} {factory.booth or '—'} · "
            f"{len(products)} {self.tr('款产品 products')}{top}"
        )
        self._load_questions()
        self._load_salespeople()
        for panel in (self.follow_up_panel, self.figures_panel, self.questions_panel):
            panel.show_factory(factory_id)
        self.clear_buyer()
        self.clear_form()
        self.refresh_leads()
        self._update_enabled()
        return True

    def _load_questions(self) -> None:
        """The factory's questions on the form (after binding and after the tab changed them)."""
        if self.factory is None:
            return
        with self.ctx.db.session() as session:
            self.questions = list_questions(session, self.factory.id)
        self.questions_form.set_questions(self.questions)
        self._chain_tab_order()
        self.refresh_leads()

    def _load_salespeople(self) -> None:
        if self.factory is None:
            return
        # The booth's own station (bound on first use, as a save would).
        with self.ctx.write(StationKind.BOOTH, self.factory.id) as session:
            station = session.station()
            names = station_salespeople(session, station.id)
        self.salesperson.set_names(names)

    def _salesperson_changed(self, name: str) -> None:
        self.follow_up_panel.salesperson = name.strip()

    def _chain_tab_order(self) -> None:
        """Search → questions → quantity ... → tags → rating: the order the booth asks in."""
        chain: list[QWidget] = [self.product_search, *self.questions_form.inputs]
        chain += [self.quantity, self.target_price, self.customisation, self.notes]
        chain += [self.salesperson, self.tags, *self.rating_buttons.values()]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # -- scanning
    def focus_scan(self) -> None:
        self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def handle_scanner_burst(self, payload: str) -> None:
        """A scan recognised by the window, wherever the focus was."""
        self.scan_field.clear()
        self.scan(payload)

    def form_is_dirty(self) -> bool:
        return not capture_form(self).is_empty()

    def _park_current(self) -> str | None:
        """Keep what was typed for the buyer on the card as their draft; a note saying so."""
        if self.buyer is None or not self.form_is_dirty():
            return None
        self.drafts[self.buyer.visitor_id] = (self.buyer, capture_form(self))
        self.clear_form()
        return self.tr(
            "{name} 的询盘未保存，已存为草稿：再扫其胸卡即可继续。 "
            "{name}'s unsaved inquiry is kept as a draft: scan their badge again to finish it."
        ).format(name=self.buyer.name)

    def unsaved_work(self) -> list[str]:
        """Inquiries typed and not saved: the one on the card and the drafts."""
        lines = [
            self.tr("展位询盘草稿 Booth inquiry draft: {name}").format(name=buyer.name)
            for buyer, _form in self.drafts.values()
        ]
        if self.form_is_dirty():
            who = self.buyer.name if self.buyer is not None else "—"
            lines.append(self.tr("展位询盘未保存 Unsaved booth inquiry: {name}").format(name=who))
        return lines

    def scan(self, payload: str) -> None:
        """Show the buyer of a scanned badge at once, or why the badge is refused.

        The buyer on the card is always replaced; their unsaved inquiry becomes a draft.
        """
        if self.factory is None:
            self._show_refusal(self.tr("先绑定工厂 Choose this booth's factory first (above)."))
            return
        self.unbadged = None  # a scan replaces a buyer typed in by hand
        try:
            with self.ctx.db.session() as session:
                buyer = identify_buyer(session, self.factory.id, payload)
        except BadgeRefused as exc:
            parked = self._park_current()
            self.buyer = None
            self._show_refusal(str(exc))
            if parked:
                show_status(self.form_message, parked)
            else:
                self.form_message.clear()
            self._update_enabled()
            self.focus_scan()
            return
        parked = None
        if self.buyer is None or self.buyer.visitor_id != buyer.visitor_id:
            parked = self._park_current()
        self.buyer = buyer
        self.buyer_name.setText(buyer.name)
        self.buyer_company.setText(buyer.company or "")
        colour = VISITOR_TYPE_COLORS[buyer.visitor_type]
        self.buyer_type.setText(visitor_type_label(buyer.visitor_type))
        self.buyer_type.setStyleSheet(
            f"background: {colour}; color: {text_color_on(colour)}; padding: 3px 8px;"
            " border-radius: 4px;"
        )
        notes = []
        if buyer.earlier_inquiries:
            notes.append(
                self.tr("回头客 Asked here before: {n} inquiries").format(n=buyer.earlier_inquiries)
            )
        else:
            notes.append(self.tr("新线索 New lead"))
        if not buyer.consent_share:
            notes.append(self.tr("未授权联系方式 Contact not shared"))
        self.buyer_note.setText(" · ".join(notes))
        self._card_state("ok")
        self.form_message.clear()
        resumed = self.drafts.pop(buyer.visitor_id, None)
        if resumed is not None:
            restore_form(self, resumed[1])
            parked = " ".join(
                filter(None, [parked, self.tr("草稿已恢复 Their draft is back in the form.")])
            )
        if parked:
            show_status(self.form_message, parked)
        self._update_enabled()
        self.product_search.setFocus()
        row = self.lead_model.row_of_visitor(buyer.visitor_id)
        if row is not None:
            self.lead_table.selectRow(row)

    def _show_refusal(self, message: str) -> None:
        self.buyer_name.setText(self.tr("✗ 无效 Refused"))
        self.buyer_company.setText("")
        self.buyer_type.setText("")
        self.buyer_type.setStyleSheet("")
        self.buyer_note.setText(message)
        self._card_state("refused")

    def ask_unbadged(self) -> bool:
        """Type in a buyer without a badge (F4); the form then logs their inquiry."""
        if self.factory is None:
            self._show_refusal(self.tr("先绑定工厂 Choose this booth's factory first (above)."))
            return False
        dialog = UnbadgedDialog(self)
        if dialog.exec() != UnbadgedDialog.DialogCode.Accepted or dialog.buyer is None:
            return False
        self.use_unbadged(dialog.buyer)
        return True

    def use_unbadged(self, buyer: UnbadgedBuyer) -> None:
        """Show a buyer typed in by hand on the card, ready for the inquiry form."""
        self.buyer = None
        self.unbadged = buyer
        self.buyer_name.setText(buyer.name.strip())
        self.buyer_company.setText(buyer.company or "")
        self.buyer_type.setText(self.tr("✎ 未核验胸卡 not verified by badge"))
        self.buyer_type.setStyleSheet(
            "background: #b45309; color: white; padding: 3px 8px; border-radius: 4px;"
        )
        notes = [self.tr("手动录入 Typed in by hand")]
        if buyer.card is not None:
            notes.append(self.tr("有名片照片 card photo"))
        if buyer.consent:
            notes.append(self.tr("已同意联系 agreed to contact"))
        self.buyer_note.setText(" · ".join(notes))
        self._card_state("ok")
        self.form_message.clear()
        self._update_enabled()
        self.product_search.setFocus()

    def clear_buyer(self) -> None:
        self.buyer = None
        self.unbadged = None
        self.buyer_name.setText("—")
        self.buyer_company.clear()
        self.buyer_type.clear()
        self.buyer_type.setStyleSheet("")
        self.buyer_note.setText(self.tr("等待扫码 Waiting for a scan"))
        self._card_state("idle")

    def _card_state(self, state: str) -> None:
        self.card.setStyleSheet(CARD_STYLES[state])
        self.card.setProperty("state", state)

    # -- picking products
    def _show_matches(self, query: str = "") -> None:
        self.product_list.blockSignals(True)
        self.product_list.clear()
        for index in self.matcher.search(query):
            product = self.products[index]
            price = (
                f"  ¥{product.price_min}–{product.price_max}"
                if product.price_min is not None
                else ""
            )
            moq = f"  MOQ {product.moq:,}" if product.moq else ""
            item = QListWidgetItem(f"{product.sku}   {product.name}{price}{moq}")
            item.setData(Qt.ItemDataRole.UserRole, product.id)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            checked = product.id in self.picked
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.product_list.addItem(item)
        self.product_list.blockSignals(False)

    def _item_checked(self, item: QListWidgetItem) -> None:
        product_id = item.data(Qt.ItemDataRole.UserRole)
        product = next(p for p in self.products if p.id == product_id)
        if item.checkState() == Qt.CheckState.Checked:
            self.picked[product_id] = product
        else:
            self.picked.pop(product_id, None)
        self._show_picked()

    def pick_first_match(self) -> None:
        """Enter in the search box: toggle the best match and clear the search for the next."""
        if not self.product_search.text().strip() or self.product_list.count() == 0:
            return
        item = self.product_list.item(0)
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
        self.product_search.clear()

    def toggle_product(self, sku: str) -> None:
        """Pick (or unpick) a product by SKU, as a click on its line would."""
        for row in range(self.product_list.count()):
            item = self.product_list.item(row)
            if item.text().startswith(f"{sku} "):
                checked = item.checkState() == Qt.CheckState.Checked
                item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
                return
        raise KeyError(sku)

    def _show_picked(self) -> None:
        if not self.picked:
            self.picked_label.setText(self.tr("— 未选 none yet"))
            return
        self.picked_label.setText(
            "、".join(
                f"{p.name} ({p.sku})" for p in sorted(self.picked.values(), key=lambda p: p.sku)
            )
        )

    def _rating_toggled(self, rating: LeadRating, on: bool) -> None:
        if on:
            for other, button in self.rating_buttons.items():
                if other != rating and button.isChecked():
                    button.setChecked(False)

    def rating(self) -> LeadRating | None:
        return next((r for r, b in self.rating_buttons.items() if b.isChecked()), None)

    # -- saving
    def _update_enabled(self) -> None:
        bound = self.factory is not None
        self.scan_field.setEnabled(bound)
        self.export_button.setEnabled(bound)
        self.save_button.setEnabled(bound and (self.buyer is not None or self.unbadged is not None))
        self.unbadged_button.setEnabled(bound)

    def clear_form(self) -> None:
        self.picked.clear()
        self.product_search.clear()
        self._show_matches("")
        self._show_picked()
        self.quantity.setValue(0)
        self.target_price.clear()
        self.customisation.clear()
        self.notes.clear()
        for button in self.rating_buttons.values():
            button.setChecked(False)
        self.follow_up.set_value(None)
        self.questions_form.clear()
        self.tags.clear()  # the salesperson stays: the same person takes the next buyer

    def _save_key(self) -> None:
        """Ctrl+Enter / F2: save what the focus is in, the lead's follow-up panel or the inquiry."""
        focus = QApplication.focusWidget()
        if focus is not None and self.lead_editor.isAncestorOf(focus):
            self.save_lead()
        else:
            self.save()

    def save(self) -> bool:
        """Save the inquiry of the scanned buyer; False (and why, on screen) if it cannot be."""
        if self.factory is None:
            return self._form_error(self.tr("Choose this booth's factory first."))
        if self.buyer is None and self.unbadged is None:
            return self._form_error(self.tr("先扫码 Scan the buyer's badge first."))
        if not self.picked:
            self.product_search.setFocus()
            return self._form_error(
                self.tr("选产品 Pick at least one product the buyer asked about.")
            )
        try:
            target_price = parse_price(self.target_price.text(), "target_price")
        except ProductFieldError as exc:
            self.target_price.setFocus()
            return self._form_error(self.tr("目标价 Target price: ") + str(exc))
        draft = InquiryDraft(
            product_ids=list(self.picked),
            quantity=self.quantity.value() or None,
            target_price=target_price,
            customisation=self.customisation.text(),
            notes=self.notes.toPlainText(),
            rating=self.rating(),
            follow_up_on=self.follow_up.value(),
            answers=self.questions_form.answers(),
            tags=self.tags.tags() if self.tags.text().strip() else (),
            salesperson=self.salesperson.name(),
        )
        try:
            with self.ctx.write(StationKind.BOOTH, self.factory.id) as session:
                station = session.station()
                if self.unbadged is not None:
                    record = record_unbadged_inquiry(
                        session, self.factory.id, self.unbadged, draft, station
                    ).inquiry
                else:
                    assert self.buyer is not None
                    record = record_inquiry(
                        session, self.factory.id, self.buyer.payload, draft, station
                    )
        except ExpoError as exc:
            return self._form_error(str(exc))
        show_status(
            self.form_message,
            self.tr("✓ 已保存 Saved: {name} — {products}").format(
                name=record.visitor_name, products=", ".join(p.sku for p in record.products)
            ),
        )
        self.buyer_note.setText(self.tr("已保存 Saved — scan the next buyer"))
        self._card_state("saved")
        if self.buyer is not None:  # a buyer typed in by hand has no draft kept by badge
            self.drafts.pop(self.buyer.visitor_id, None)
        self.buyer = None
        self.unbadged = None
        self.clear_form()
        self._load_salespeople()
        self.refresh_leads()
        row = self.lead_model.row_of_visitor(record.visitor_id)
        if row is not None:
            self.lead_table.selectRow(row)
        self._update_enabled()
        self.focus_scan()
        return True

    def _form_error(self, message: str) -> bool:
        show_status(self.form_message, message, error=True)
        return False

    # -- the lead list
    def refresh_leads(self) -> None:
        if self.factory is None:
            self.lead_model.set_leads([])
            self.lead_count.clear()
            return
        with self.ctx.db.session() as session:
            leads = list_leads(session, self.factory.id, where=self.filter_bar.value())
            tags = factory_tags(session, self.factory.id)
        self.filter_bar.set_choices(tags, self.questions)
        self.tags.set_known([tag for tag, _count in tags])
        self.lead_model.set_leads(leads)
        inquiries = sum(lead.inquiries for lead in leads)
        self.lead_count.setText(
            self.tr("{leads} 位买家 buyers · {n} 条询盘 inquiries").format(
                leads=len(leads), n=inquiries
            )
            + (self.tr(" (筛选 filtered)") if self.filter_bar.active() else "")
        )
        self.lead_details.clear()
        self.lead_editor.show_lead(None)
        self.consent_button.setEnabled(False)
        self.figures_panel.refresh()
        self.follow_up_panel.refresh()

    def _lead_selected(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        if self.factory is None or not current.isValid():
            self.lead_details.clear()
            self.lead_editor.show_lead(None)
            return
        lead = self.lead_model.lead(current.row())
        self.lead_editor.show_lead(lead)
        self.consent_button.setEnabled(not lead.contact_shared)
        self.consent_button.setText(
            self.tr("✓ 已授权 Contact shared")
            if lead.contact_shared
            else self.tr("展位授权联系 Consent here")
        )
        with self.ctx.db.session() as session:
            inquiries = list_inquiries(session, self.factory.id, lead_id=lead.id)
        lines = []
        for inquiry in inquiries:
            parts = [
                local_time(inquiry.at, self.lead_model.zone),
                ", ".join(p.name for p in inquiry.products),
            ]
            if inquiry.quantity:
                parts.append(f"× {inquiry.quantity:,}")
            if inquiry.target_price is not None:
                parts.append(f"¥{inquiry.target_price}")
            if inquiry.rating:
                parts.append(RATING_TEXT[inquiry.rating])
            if inquiry.customisation:
                parts.append(f"定制 {inquiry.customisation}")
            if inquiry.notes:
                parts.append(inquiry.notes)
            lines.append("  ".join(parts))
        about = [f"{lead.name} · {lead.company or ''}"]
        if lead.salesperson:
            about.append(self.tr("销售 by {name}").format(name=lead.salesperson))
        if lead.tags:
            about.append(" ".join(f"#{tag}" for tag in lead.tags))
        if not lead.verified_by_badge:
            about.append(self.tr("✎ 未核验胸卡 not verified by badge"))
        answers = [
            f"{q.text}: {'、'.join(lead.answers[q.id])}"
            for q in self.questions
            if q.id in lead.answers
        ]
        text = " · ".join(about) + "\n"
        if answers:
            text += "; ".join(answers) + "\n"
        self.lead_details.setText(text + "\n".join(lines))

    def save_lead(self) -> bool:
        """Save the follow-up panel's rating, date and notes on the selected lead."""
        lead = self.lead_editor.lead
        if self.factory is None or lead is None:
            return False
        try:
            with self.ctx.write(StationKind.BOOTH, self.factory.id) as session:
                station = session.station()
                saved = update_lead(
                    session, lead.id, self.factory.id, self.lead_editor.change(), station
                )
        except ExpoError as exc:
            self.lead_editor.show_result(str(exc), error=True)
            return False
        self.refresh_leads()
        row = self.lead_model.row_of_visitor(saved.visitor_id)
        if row is not None:
            self.lead_table.selectRow(row)
        self.lead_table.setFocus()
        self.lead_editor.show_result(self.tr("✓ 已保存 Saved"))
        return True

    def record_consent(self) -> bool:
        """The selected lead's buyer agrees, here, to share their contact with this factory."""
        lead = self.lead_editor.lead
        if self.factory is None or lead is None:
            return False
        try:
            with self.ctx.write(StationKind.BOOTH, self.factory.id) as session:
                station = session.station()
                saved = record_consent(session, self.factory.id, lead.id, station)
        except ExpoError as exc:
            self.lead_editor.show_result(str(exc), error=True)
            return False
        self.refresh_leads()
        row = self.lead_model.row_of_visitor(saved.visitor_id)
        if row is not None:
            self.lead_table.selectRow(row)
        self.lead_editor.show_result(self.tr("✓ 已记录授权 Consent recorded"))
        return True

    # -- export
    def _ask_csv_export(self, preset: str) -> None:
        if self.factory is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export leads"), f"leads-{self.factory.id}-{preset}.csv", "CSV (*.csv)"
        )
        if path:
            self.export_csv(Path(path), preset)

    def export_csv(self, path: Path, preset: str) -> None:
        """Export the leads the filter shows, in ``preset``'s columns, off the GUI thread."""
        assert self.factory is not None
        where = self.filter_bar.value()

        def export(session: object, factory_id: int, out: Path) -> CsvExport:
            return export_leads_csv(session, factory_id, preset, out, where=where)  # type: ignore[arg-type]

        def done(result: CsvExport) -> None:
            self.last_export = result
            show_status(
                self.form_message,
                self.tr("导出 Exported {n} leads to {file}").format(
                    n=result.rows, file=result.file
                ),
            )

        export_factory_file(self.ctx, self.factory.id, path, export, done, self._form_error)

    def _ask_export(self) -> None:
        if self.factory is None:
            return
        path = ask_xlsx_path(self, self.tr("Export leads"), f"leads-{self.factory.id}.xlsx")
        if path:
            self.export_file(path)

    def export_file(self, path: Path) -> None:
        """Export this factory's inquiries and leads off the GUI thread."""
        assert self.factory is not None

        def done(result: InquiryExport) -> None:
            self.last_export = result
            show_status(
                self.form_message,
                self.tr("导出 Exported {n} inquiries to {file}").format(
                    n=result.rows, file=result.file
                ),
            )

        export_factory_file(
            self.ctx, self.factory.id, path, export_inquiries, done, self._form_error
        )
