"""The booth page's other tabs beside the lead list: the factory's own figures, follow-up
(leads due today, message templates, copy or export), and the factory's qualifying questions.

Each panel reads and writes through ``expo`` services for the factory the page is bound to;
the page calls ``show_factory`` when the binding changes and ``refresh`` after a save.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from expo.errors import ExpoError
from expo.models import QuestionKind, StationKind
from expo.services.follow_up import (
    CHANNELS,
    SMS_SEGMENT,
    FollowUpMessage,
    leads_due,
    list_templates,
    messages_for,
    save_template,
    write_messages_csv,
)
from expo.services.lead_figures import factory_figures
from expo.services.lead_questions import add_question, list_questions, remove_question
from expo.services.leads import LeadSummary
from ui.context import AppContext
from ui.widgets.factory_files import show_status


class FiguresPanel(QWidget):
    """Leads today, hot leads, top SKUs and the answers to the factory's questions."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.factory_id: int | None = None
        self.view = QLabel()
        self.view.setObjectName("factoryFigures")
        self.view.setTextFormat(Qt.TextFormat.RichText)
        self.view.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.view.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)

    def show_factory(self, factory_id: int | None) -> None:
        self.factory_id = factory_id
        self.refresh()

    def refresh(self) -> None:
        if self.factory_id is None:
            self.view.clear()
            return
        with self.ctx.db.session() as session:
            figures = factory_figures(session, self.factory_id)
        big = "font-size: 26px; font-weight: 700;"
        tiles = "".join(
            f"<td style='padding: 4px 18px 4px 0;'><div style='{big} color: {colour};'>{value}"
            f"</div><div>{label}</div></td>"
            for value, label, colour in (
                (figures.leads_today, "今日新线索 Leads today", "#0f766e"),
                (figures.hot, "热线索 Hot leads", "#dc2626"),
                (figures.inquiries_today, "今日询盘 Inquiries today", "#334155"),
                (figures.leads, "线索总数 All leads", "#334155"),
                (figures.unverified, "未核验 No badge", "#b45309"),
            )
        )
        parts = [f"<table><tr>{tiles}</tr></table>", "<h3>热门货号 Top SKUs asked</h3>"]
        if figures.top_skus:
            parts.append(
                "<table>"
                + "".join(
                    f"<tr><td style='padding-right: 12px;'>{html.escape(sku)}</td>"
                    f"<td style='padding-right: 12px;'>{html.escape(name)}</td>"
                    f"<td align='right'><b>{count}</b></td></tr>"
                    for sku, name, count in figures.top_skus
                )
                + "</table>"
            )
        else:
            parts.append("<p>—</p>")
        parts.append("<h3>问题回答 Answers (leads)</h3>")
        for answer in figures.answers:
            counts = " · ".join(
                f"{html.escape(option)} <b>{count}</b>" for option, count in answer.counts
            )
            parts.append(f"<p><b>{html.escape(answer.question.text)}</b><br>{counts}</p>")
        if not figures.answers:
            parts.append("<p>— 尚无问题 no questions yet (tab 问题 Questions)</p>")
        self.view.setText("".join(parts))


class FollowUpPanel(QWidget):
    """Leads due today and the factory's message templates: fill, copy, export."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.factory_id: int | None = None
        self.salesperson = ""
        self.due: list[LeadSummary] = []
        self.messages: list[FollowUpMessage] = []
        self.due_list = QListWidget()
        self.due_list.setObjectName("dueToday")
        self.template = QComboBox()
        self.template.setObjectName("template")
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("messagePreview")
        self.preview.setReadOnly(True)
        self.preview.setFixedHeight(84)
        self.copy_button = QPushButton(self.tr("复制 Copy"))
        self.copy_button.setObjectName("copyMessage")
        self.export_button = QPushButton(self.tr("导出全部 Export all (CSV)…"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        # Editing templates
        self.template_name = QLineEdit()
        self.template_name.setObjectName("templateName")
        self.template_name.setPlaceholderText(self.tr("模板名 name"))
        self.channel = QComboBox()
        for channel in CHANNELS:
            self.channel.addItem({"wechat": "微信 WeChat", "sms": "短信 SMS"}[channel], channel)
        self.template_body = QPlainTextEdit()
        self.template_body.setObjectName("templateBody")
        self.template_body.setTabChangesFocus(True)
        self.template_body.setFixedHeight(64)
        self.template_body.setPlaceholderText(
            "{name}您好，我是{factory}的{salesperson}。您在展会上看的{products}……"
        )
        self.save_template_button = QPushButton(self.tr("保存模板 Save template"))

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("模板 Template")))
        top.addWidget(self.template, 1)
        top.addWidget(self.copy_button)
        top.addWidget(self.export_button)
        edit = QFormLayout()
        names = QHBoxLayout()
        names.addWidget(self.template_name, 1)
        names.addWidget(self.channel)
        names.addWidget(self.save_template_button)
        edit.addRow(self.tr("新/改 New or edit"), names)
        edit.addRow("", self.template_body)
        self.due_title = QLabel()
        self.due_title.setStyleSheet("font-weight: 600;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.due_title)
        layout.addWidget(self.due_list, 1)
        layout.addLayout(top)
        layout.addWidget(self.preview)
        layout.addWidget(self.message)
        layout.addLayout(edit)

        self.template.currentIndexChanged.connect(self._fill)
        self.due_list.currentRowChanged.connect(self._show_message)
        self.copy_button.clicked.connect(self.copy_current)
        self.export_button.clicked.connect(self._ask_export)
        self.save_template_button.clicked.connect(self.save_template)

    def show_factory(self, factory_id: int | None) -> None:
        self.factory_id = factory_id
        self.refresh()

    def today(self) -> dt.date:
        return dt.date.today()

    def refresh(self) -> None:
        self.due_list.clear()
        self.messages = []
        if self.factory_id is None:
            return
        with self.ctx.db.session() as session:
            self.due = leads_due(session, self.factory_id, self.today())
            templates = list_templates(session, self.factory_id)
        self.due_title.setText(
            self.tr("今日待跟进 Due today ({date}): {n}").format(
                date=self.today().isoformat(), n=len(self.due)
            )
        )
        current = self.template.currentData()
        self.template.blockSignals(True)
        self.template.clear()
        for template in templates:
            self.template.addItem(f"{template.name} [{template.channel}]", template.name)
        self.template.setCurrentIndex(max(0, self.template.findData(current)))
        self.template.blockSignals(False)
        for lead in self.due:
            contact = lead.phone or lead.wechat or self.tr("未授权 no contact")
            item = QListWidgetItem(f"{lead.name} · {lead.company or '—'} · {contact}")
            item.setData(Qt.ItemDataRole.UserRole, lead.id)
            self.due_list.addItem(item)
        self._fill()

    def _fill(self) -> None:
        name = self.template.currentData()
        self.messages = []
        if self.factory_id is not None and name and self.due:
            with self.ctx.db.session() as session:
                self.messages = messages_for(
                    session, self.factory_id, name, self.due, salesperson=self.salesperson
                )
        if self.due_list.count() and self.due_list.currentRow() < 0:
            self.due_list.setCurrentRow(0)
        self._show_message(self.due_list.currentRow())

    def _show_message(self, row: int) -> None:
        if 0 <= row < len(self.messages):
            text = self.messages[row].text
            self.preview.setPlainText(text)
            segments = -(-len(text) // SMS_SEGMENT)
            self.message.setText(
                self.tr("{n} 字 characters, {s} SMS").format(n=len(text), s=segments)
            )
        else:
            self.preview.clear()
            self.message.setText(
                self.tr("先写一个模板 Write a template below") if not self.template.count() else ""
            )

    def copy_current(self) -> str:
        """Copy the shown message to the clipboard (for WeChat); returns it."""
        text = self.preview.toPlainText()
        if text:
            QGuiApplication.clipboard().setText(text)
            show_status(self.message, self.tr("✓ 已复制 Copied — paste it in WeChat"))
        return text

    def _ask_export(self) -> None:
        if not self.messages:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export messages"), "follow-up.csv", "CSV (*.csv)"
        )
        if path:
            self.export_messages(Path(path))

    def export_messages(self, path: Path) -> bool:
        try:
            write_messages_csv(self.messages, path)
        except ExpoError as exc:
            show_status(self.message, str(exc), error=True)
            return False
        show_status(self.message, self.tr("✓ 导出 Exported to {file}").format(file=path))
        return True

    def save_template(self) -> bool:
        if self.factory_id is None:
            return False
        try:
            with self.ctx.write(StationKind.BOOTH, self.factory_id) as session:
                saved = save_template(
                    session,
                    self.factory_id,
                    self.template_name.text(),
                    self.channel.currentData(),
                    self.template_body.toPlainText(),
                )
        except ExpoError as exc:
            show_status(self.message, str(exc), error=True)
            return False
        self.refresh()
        self.template.setCurrentIndex(self.template.findData(saved.name))
        show_status(self.message, self.tr("✓ 模板已保存 Template saved"))
        return True


class QuestionsPanel(QWidget):
    """The factory's qualifying questions: add (text, one or many choices) and remove."""

    questions_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.factory_id: int | None = None
        self.list = QListWidget()
        self.list.setObjectName("questionList")
        self.text = QLineEdit()
        self.text.setObjectName("newQuestionText")
        self.text.setPlaceholderText(self.tr("问题 e.g. 月采购量 Monthly volume"))
        self.kind = QComboBox()
        self.kind.setObjectName("newQuestionKind")
        for kind, label in (
            (QuestionKind.ONE, "单选 one choice"),
            (QuestionKind.MANY, "多选 many choices"),
            (QuestionKind.TEXT, "文字 text"),
        ):
            self.kind.addItem(label, kind.value)
        self.options = QLineEdit()
        self.options.setObjectName("newQuestionOptions")
        self.options.setPlaceholderText(
            self.tr("选项 options, separated by / : 抖音 / 小红书 / 淘宝")
        )
        self.add_button = QPushButton(self.tr("添加 Add"))
        self.remove_button = QPushButton(self.tr("移除所选 Remove selected"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("问题 Question"), self.text)
        form.addRow(self.tr("类型 Kind"), self.kind)
        form.addRow(self.tr("选项 Options"), self.options)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "展位扫码后按数字键回答 Booth staff answer with the digit keys after a scan. "
                "Removed questions keep their answers in exports."
            )
        )
        intro.setWordWrap(True)  # the panel shares the booth page's width with the form
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.kind.currentIndexChanged.connect(
            lambda: self.options.setEnabled(self.kind.currentData() != QuestionKind.TEXT.value)
        )
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove_selected)

    def show_factory(self, factory_id: int | None) -> None:
        self.factory_id = factory_id
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        if self.factory_id is None:
            return
        with self.ctx.db.session() as session:
            questions = list_questions(session, self.factory_id)
        for question in questions:
            kind = {"text": "文字", "one": "单选", "many": "多选"}[question.kind.value]
            options = " / ".join(question.options)
            item = QListWidgetItem(
                f"[{kind}] {question.text}" + (f"  — {options}" if options else "")
            )
            item.setData(Qt.ItemDataRole.UserRole, question.id)
            self.list.addItem(item)

    def add(self) -> bool:
        if self.factory_id is None:
            return False
        kind = self.kind.currentData()
        options = [o for o in self.options.text().replace("／", "/").split("/") if o.strip()]
        try:
            with self.ctx.write(StationKind.BOOTH, self.factory_id) as session:
                add_question(
                    session,
                    self.factory_id,
                    self.text.text(),
                    kind,
                    options if kind != QuestionKind.TEXT.value else [],
                )
        except ExpoError as exc:
            show_status(self.message, str(exc), error=True)
            return False
        self.text.clear()
        self.options.clear()
        show_status(self.message, self.tr("✓ 已添加 Added"))
        self.refresh()
        self.questions_changed.emit()
        return True

    def remove_selected(self) -> bool:
        item = self.list.currentItem()
        if self.factory_id is None or item is None:
            return False
        try:
            with self.ctx.write(StationKind.BOOTH, self.factory_id) as session:
                remove_question(session, self.factory_id, item.data(Qt.ItemDataRole.UserRole))
        except ExpoError as exc:
            show_status(self.message, str(exc), error=True)
            return False
        self.refresh()
        self.questions_changed.emit()
        return True
