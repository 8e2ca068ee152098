from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    cs_compensation_id = fields.Many2one(
        "cs.compensation",
        string="Compensation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The guest compensation this entry books.",
    )
    cs_consumption_ids = fields.One2many(
        "cs.consumption",
        "move_id",
        string="Guest Consumption",
        readonly=True,
        groups="customer_service.group_cs_user,customer_service.group_cs_finance",
    )
    cs_guest_readable = fields.Boolean(
        string="Guest Archive Readable",
        compute="_compute_cs_guest_readable",
        search="_search_cs_guest_readable",
        help="The current user may read the archive of this entry's guest.",
    )

    def _compute_cs_guest_readable(self):
        partners = self.partner_id.ids
        readable = set()
        if partners:
            archives = (
                self.env["cs.guest.archive"]
                .with_user(self.env.uid)
                .with_context(active_test=False)
                .search_fetch([("partner_id", "in", partners)], ["partner_id"])
            )
            readable = set(archives.partner_id.ids)
        for move in self:
            move.cs_guest_readable = move.partner_id.id in readable

    def _search_cs_guest_readable(self, operator, value):
        """Entries whose guest has an archive the real user may read.

        CS staff read invoices only through this (see the record rule): the
        archive's own rules, run as the real user, decide, as for the
        archive's content.
        """
        archives = (
            self.env["cs.guest.archive"]
            .with_user(self.env.uid)
            .with_context(active_test=False)
            ._search([])
        )
        partners = archives.subselect(SQL.identifier(archives.table, "partner_id"))
        wanted = set(value) if operator in ("in", "not in") else {bool(value)}
        positive = (True in wanted) == (operator in ("=", "in"))
        return Domain("partner_id", "in" if positive else "not in", partners)

    # ------------------------------------------------------------
    # ORM overrides
    # ------------------------------------------------------------

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted.filtered(
            lambda m: m.move_type in ("out_invoice", "out_refund")
        )._cs_sync_consumption()
        return posted

    def button_cancel(self):
        result = super().button_cancel()
        # A cancelled invoice was never consumed; a guest already called back
        # keeps the record of that call.
        self.sudo().cs_consumption_ids.filtered(lambda c: c.callback_state != "done").unlink()
        return result

    # ------------------------------------------------------------
    # Consumption feed (R6)
    # ------------------------------------------------------------

    @api.model
    def _cs_department_map(self):
        """(mapped category id → department, journal id → department)."""
        departments = self.env["cs.service.department"].sudo().search([])
        by_categ, by_journal = {}, {}
        for department in departments:
            for journal in department.journal_ids:
                by_journal.setdefault(journal.id, department)
            for categ in department.product_categ_ids:
                by_categ[categ.id] = department
        return by_categ, by_journal

    @api.model
    def _cs_category_department(self, categ, by_categ):
        """The department of a category: its own mapping, or its nearest mapped parent's."""
        for categ_id in reversed((categ.parent_path or "").split("/")[:-1]):
            if int(categ_id) in by_categ:
                return by_categ[int(categ_id)]
        return None

    def _cs_sync_consumption(self):
        """Create or refresh each posted invoice's consumption, per department.

        Keyed on (invoice, department): posting again after a reset rewrites
        the items instead of adding a second consumption. A credit note books
        negative items that point at the consumption they take back.
        """
        if not self:
            return
        by_categ, by_journal = self._cs_department_map()
        if not by_categ and not by_journal:
            return
        Consumption = self.env["cs.consumption"].sudo()
        existing = {
            (c.move_id.id, c.department_id.id): c
            for c in Consumption.search([("move_id", "in", self.ids)])
        }
        originals = {
            (c.move_id.id, c.department_id.id): c
            for c in Consumption.search(
                [("move_id", "in", self.reversed_entry_id.ids), ("reversed_id", "=", False)]
            )
        }
        to_create, stale = [], Consumption
        for move in self:
            sign = -1 if move.move_type == "out_refund" else 1
            lines_by_department = defaultdict(list)
            for line in move.invoice_line_ids.filtered(lambda aml: aml.display_type == "product"):
                department = self._cs_category_department(
                    line.product_id.sudo().categ_id, by_categ
                ) or by_journal.get(move.journal_id.id)
                if not department or not line.quantity:
                    continue
                lines_by_department[department].append(
                    Command.create(
                        {
                            "product_id": line.product_id.id,
                            "name": line.name or line.product_id.display_name,
                            "quantity": sign * abs(line.quantity),
                            # In company currency, like the rest of the CS figures.
                            "price_unit": abs(line.balance / line.quantity),
                        }
                    )
                )
            fed = {d.id for d in lines_by_department}
            for (move_id, department_id), consumption in existing.items():
                if move_id == move.id and department_id not in fed:
                    stale |= consumption
            for department, commands in lines_by_department.items():
                consumption = existing.get((move.id, department.id))
                if consumption:
                    consumption.write({"line_ids": [Command.clear(), *commands]})
                    continue
                original = originals.get((move.reversed_entry_id.id, department.id))
                if sign < 0 and not original:
                    # Nothing to take back: the invoice never fed this department.
                    continue
                to_create.append(
                    {
                        "partner_id": move.commercial_partner_id.id,
                        "company_id": move.company_id.id,
                        "department_id": department.id,
                        "move_id": move.id,
                        "source": "invoice",
                        "reversed_id": original.id if original else False,
                        "line_ids": commands,
                    }
                )
        stale.unlink()
        if to_create:
            Consumption.create(to_create)
