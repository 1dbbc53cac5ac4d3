"""A company's page: details, centre agreement, contacts, mentors, visits and openings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.formatting import excerpt
from desktop.models.changes import Changes
from desktop.models.queries import (
    ContactRow,
    MentorRow,
    OpeningRow,
    VisitRow,
    list_contacts,
    list_mentors,
    list_openings,
    list_visits,
)
from desktop.models.record_queries import Record, get_record
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.dialogs.entity_dialog import EntityDialog
from desktop.ui.fields import (
    COMPANY_FIELDS,
    COMPANY_PAGE_MENTOR_COLUMNS,
    COMPANY_PAGE_OPENING_COLUMNS,
    COMPANY_PAGE_VISIT_COLUMNS,
    CONTACT_FIELDS,
    MENTOR_FIELDS,
    OPENING_FIELDS,
)
from desktop.ui.i18n import fmt_date, tr
from desktop.ui.operation import Op
from desktop.ui.visit_state import visit_state_text
from desktop.ui.widgets.ask import ask
from desktop.ui.widgets.delete import delete_record
from desktop.ui.widgets.links import company_link_values, link_label, person_links_html
from desktop.ui.widgets.tables import ID_ROLE, fill_table, read_only_table


@dataclass
class CompanyData:
    record: Record
    contacts: list[ContactRow]
    mentors: list[MentorRow]
    visits: list[VisitRow]
    openings: list[OpeningRow]


class CompanyPage(QWidget):
    """Everything about one company, with buttons to add to it."""

    def __init__(self, ctx: AppContext, back: Callable[[], None], open_visit: Callable[[str], None],
                 start_visit: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.company_id: str | None = None
        self.data: CompanyData | None = None
        self.open_visit = open_visit
        self.start_visit = start_visit
        self.heading = QLabel()
        self.heading.setProperty("role", "title")
        self.heading.setObjectName("company_heading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # a name with "<" is a name, not markup
        self.heading.setWordWrap(True)
        back_button = QPushButton(tr("← Back to the list"))
        back_button.clicked.connect(back)
        top = QHBoxLayout()
        top.addWidget(back_button)
        top.addStretch(1)
        for text, slot, name in ((tr("Before the visit…"), self.briefing, "briefing"),
                                 (tr("Edit company"), self.edit, "edit_company"),
                                 (tr("Delete company"), self.delete, "delete_company")):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            top.addWidget(button)
        self.details = link_label("details")  # CVR, address, phone, e-mail and web site open as links
        self.centre = QGroupBox(tr("Company centre agreement"))
        self.centre_text = QLabel()
        self.centre_text.setWordWrap(True)
        QVBoxLayout(self.centre).addWidget(self.centre_text)
        info = QGridLayout()
        info.addWidget(self.details, 0, 0, Qt.AlignmentFlag.AlignTop)
        info.addWidget(self.centre, 0, 1, Qt.AlignmentFlag.AlignTop)
        info.setColumnStretch(0, 1)
        info.setColumnStretch(1, 1)
        self.tabs = QTabWidget()
        self.contacts = read_only_table([i18n.label("contact", f) for f in CONTACT_FIELDS])
        self.mentors = read_only_table([i18n.label("mentor", f) for f in COMPANY_PAGE_MENTOR_COLUMNS])
        self.visits = read_only_table([i18n.label("visit", f) for f in COMPANY_PAGE_VISIT_COLUMNS] + [tr("Note")])
        self.openings = read_only_table([i18n.label("opening", f) for f in COMPANY_PAGE_OPENING_COLUMNS])
        self.visits.doubleClicked.connect(lambda i: self.open_visit(self.visits.item(i.row(), 0).data(ID_ROLE)))
        self.contacts.doubleClicked.connect(lambda i: self.edit_child("contact", CONTACT_FIELDS, self.contacts, i))
        self.mentors.doubleClicked.connect(lambda i: self.edit_child("mentor", MENTOR_FIELDS, self.mentors, i))
        self.openings.doubleClicked.connect(lambda i: self.edit_child("opening", OPENING_FIELDS, self.openings, i))
        # The selected contact's or mentor's phone and e-mail as tel: and mailto: links under the table.
        self.person_links = {"contact": link_label("contact_links"), "mentor": link_label("mentor_links")}
        self.contacts.itemSelectionChanged.connect(lambda: self._person_links("contact"))
        self.mentors.itemSelectionChanged.connect(lambda: self._person_links("mentor"))
        for table, text, add, name in (
            (self.visits, tr("Visits"), self.new_visit, "new_visit"),
            (self.openings, tr("Openings"), self.new_opening, "new_opening"),
            (self.contacts, tr("Contacts"), self.new_contact, "new_contact"),
            (self.mentors, tr("Mentors"), self.new_mentor, "new_mentor"),
        ):
            tab = QWidget()
            column = QVBoxLayout(tab)
            button = QPushButton({"new_visit": tr("New visit"), "new_opening": tr("New opening"),
                                  "new_contact": tr("Add contact"), "new_mentor": tr("Add mentor")}[name])
            button.setObjectName(name)
            button.clicked.connect(add)
            delete = QPushButton(tr("Delete"))
            delete.setObjectName(name.replace("new_", "delete_"))
            delete.clicked.connect(lambda _c=False, t=table, e=name.replace("new_", ""): self.delete_child(e, t))
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(delete)
            row.addWidget(button)
            column.addWidget(table)
            if name in ("new_contact", "new_mentor"):
                column.addWidget(self.person_links[name.removeprefix("new_")])
            column.addLayout(row)
            self.tabs.addTab(tab, text)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.heading)
        layout.addLayout(info)
        layout.addWidget(self.tabs, 1)
        ctx.events.changes_applied.connect(self._changed)

    def load(self, company_id: str) -> None:
        """Show a company (read in the background)."""
        self.company_id = company_id

        def query(session: Any) -> CompanyData | None:
            record = get_record(session, "company", company_id)
            if record is None:
                return None
            return CompanyData(
                record, list_contacts(session, company_id),
                list_mentors(session, company_id=company_id, limit=500).items,
                list_visits(session, company_id=company_id, limit=500).items,
                list_openings(session, company_id=company_id, limit=500).items,
            )

        Op.read(self.ctx, query, self).success(self._show).run()

    def _show(self, data: CompanyData | None) -> None:
        self.data = data
        if data is None:
            self.heading.setText(tr("The company no longer exists."))
            return
        f = data.record.fields
        self.heading.setText(f["name"])
        links = company_link_values(f)
        lines = [
            (i18n.label("company", "cvr"), links["cvr"]),
            (i18n.label("company", "address"), links["address"]),
            (i18n.label("company", "municipality"), _escape(f.get("municipality") or "")),
            (i18n.label("company", "industry"), _escape(f.get("industry") or "")),
            (i18n.label("company", "phone"), links["phone"]),
            (i18n.label("company", "email"), links["email"]),
            (i18n.label("company", "website"), links["website"]),
            (i18n.label("company", "notes"), _escape(f.get("notes") or "")),
        ]
        self.details.setText("<br>".join(f"<b>{k}:</b> {v}" for k, v in lines if v))
        self.centre.setVisible(bool(f.get("is_centre")))
        if f.get("is_centre"):
            self.centre_text.setText("<br>".join(f"<b>{k}:</b> {_escape(v)}" for k, v in [
                (i18n.label("company", "centre_work_areas"), f.get("centre_work_areas")),
                (i18n.label("company", "centre_target_groups"), f.get("centre_target_groups")),
                (i18n.label("company", "centre_places"), f.get("centre_places")),
                (i18n.label("company", "centre_visit_interval_days"), f.get("centre_visit_interval_days")),
                (tr("Agreement period"), f"{fmt_date(f.get('centre_agreement_start'))} – "
                                         f"{fmt_date(f.get('centre_agreement_end'))}"),
            ] if v not in (None, "")))
        fill_table(self.contacts, [[c.name, c.title, c.phone, c.email] for c in data.contacts],
                   [c.id for c in data.contacts])
        yes, no = tr("Yes"), tr("No")
        fill_table(self.mentors, [[m.name, m.title, m.phone, fmt_date(m.trained_on), yes if m.active else no]
                                  for m in data.mentors], [m.id for m in data.mentors])
        fill_table(self.visits, [[fmt_date(v.visited_at), i18n.choice("visit", "kind", v.kind),
                                  visit_state_text(v.status, v.review_state), excerpt(v.excerpt, 80)]
                                 for v in data.visits], [v.id for v in data.visits])
        fill_table(self.openings, [[o.title, i18n.choice("opening", "kind", o.kind), o.hours_per_week,
                                    o.duration_weeks, i18n.choice("opening", "status", o.status)]
                                   for o in data.openings], [o.id for o in data.openings])
        self._person_links("contact")
        self._person_links("mentor")
        for index, count in enumerate((len(data.visits), len(data.openings), len(data.contacts), len(data.mentors))):
            base = self.tabs.tabText(index).split(" (")[0]
            self.tabs.setTabText(index, f"{base} ({count})")

    def _person_links(self, entity: str) -> None:
        """Show the selected (or only) contact's or mentor's phone and e-mail as links."""
        data = self.data
        rows: list[Any] = [] if data is None else (data.contacts if entity == "contact" else data.mentors)
        table = self.contacts if entity == "contact" else self.mentors
        index = table.currentRow() if table.selectedItems() else (0 if len(rows) == 1 else -1)
        person = rows[index] if 0 <= index < len(rows) else None
        label = self.person_links[entity]
        label.setText(person_links_html(person.name, person.phone, person.email) if person else "")
        label.setVisible(person is not None)

    def _changed(self, changes: Changes) -> None:
        if self.company_id and changes.touches("company", "contact", "mentor", "visit", "opening"):
            self.load(self.company_id)

    def briefing(self) -> None:
        """Forberedelse til besøg: the company on one page, on screen and as PDF (works offline)."""
        from desktop.ui.dialogs.briefing import show_briefing

        if self.company_id is not None and self.data is not None:
            show_briefing(self.ctx, self.company_id, self)

    def edit(self) -> None:
        """Edit the company in a dialog."""
        if self.data is None:
            return
        company_id = self.company_id
        EntityDialog(self.ctx, "company", COMPANY_FIELDS, lambda ops, v: ops.update("company", company_id, v),
                     self.data.record.fields, tr("Edit company"), self, record_id=company_id).exec()

    def delete(self) -> None:
        """Delete the company (after a question) with its contacts, mentors and openings."""
        if self.data is None:
            return
        if ask(self, tr("Delete company"), tr("Delete %1 with its contacts, mentors and openings?").replace(
                "%1", self.data.record.fields["name"]), yes=tr("Delete"), no=tr("Keep")):
            company_id = self.company_id
            Op.write(self.ctx, lambda ops: ops.delete_company(company_id), self).invalid(
                lambda e: QMessageBox.warning(self, tr("Feltbog"), e.message(i18n.language()))).run()

    def _add(self, entity: str, fields: tuple[str, ...], title: str) -> None:
        company_id = self.company_id
        team_id = self.data.record.team_id if self.data is not None else None
        EntityDialog(self.ctx, entity, fields,
                     lambda ops, v: ops.create(entity, {"company_id": company_id, **v}), title=title,
                     parent=self, team_id=team_id).exec()

    def new_contact(self) -> None:
        """Add a contact person to this company."""
        self._add("contact", CONTACT_FIELDS, tr("Add contact"))

    def new_mentor(self) -> None:
        """Add a mentor to this company."""
        self._add("mentor", MENTOR_FIELDS, tr("Add mentor"))

    def new_opening(self) -> None:
        """Add an opening at this company."""
        self._add("opening", OPENING_FIELDS, tr("New opening"))

    def new_visit(self) -> None:
        """Start a visit note for this company (stored once something is typed, so backing out leaves nothing)."""
        if self.company_id is not None and self.start_visit is not None:
            self.start_visit(self.company_id)

    def delete_child(self, entity: str, table: QTableWidget) -> None:
        """Delete the selected row of one of the tabs (visit, opening, contact or mentor) after a question."""
        row = table.currentRow()
        item = table.item(row, 0) if row >= 0 else None
        if item is None:
            QMessageBox.information(self, tr("Feltbog"), tr("Select a row first."))
            return
        name = item.text() if entity != "visit" else f"{self.heading.text()} · {item.text()}"
        delete_record(self.ctx, self, entity, item.data(ID_ROLE), name)

    def edit_child(self, entity: str, fields: tuple[str, ...], table: QTableWidget, index: QModelIndex) -> None:
        """Edit the record in a double-clicked row of one of the tables."""
        record_id = table.item(index.row(), 0).data(ID_ROLE)

        def opened(record: Record | None) -> None:
            if record is not None:
                EntityDialog(self.ctx, entity, fields, lambda ops, v: ops.update(entity, record_id, v),
                             record.fields, i18n.entity_label(entity), self, record_id=record_id).exec()

        Op.read(self.ctx, lambda s: get_record(s, entity, record_id), self).success(opened).run()


def _escape(value: Any) -> str:
    from html import escape

    return escape(str(value)).replace("\n", "<br>")
