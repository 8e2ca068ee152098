from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html


class CsSupervisionOpinion(models.Model):
    """One guest's opinion or request, collected on site (R3)."""

    _name = "cs.supervision.opinion"
    _description = "Guest Opinion Collected On Site"
    _order = "supervision_id, id"
    _check_company_auto = True

    supervision_id = fields.Many2one(
        "cs.supervision", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="supervision_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Guest",
        ondelete="restrict",
        index="btree_not_null",
        check_company=True,
    )
    guest_label = fields.Char(
        string="Guest (as noted)", help="Room, table or name, for a guest not in the system."
    )
    kind = fields.Selection(
        [
            ("praise", "Praise"),
            ("suggestion", "Suggestion"),
            ("request", "Request"),
            ("complaint", "Complaint"),
        ],
        required=True,
        default="suggestion",
    )
    opinion = fields.Text(required=True)
    resolved_on_spot = fields.Boolean(help="Settled there and then by CS.")
    action_taken = fields.Text()
    complaint_id = fields.Many2one(
        "cs.complaint", ondelete="set null", index="btree_not_null", readonly=True, copy=False
    )

    @api.depends("partner_id", "guest_label", "kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for line in self:
            who = line.partner_id.name or line.guest_label or ""
            line.display_name = f"{kinds.get(line.kind, '')} · {who}".strip(" ·")

    def action_raise_complaint(self):
        """Register this opinion as a complaint of the round's guest."""
        self.ensure_one()
        self.supervision_id._check_staff()
        if self.complaint_id:
            return self.complaint_id._action_open()
        if not self.partner_id:
            raise UserError(
                self.env._("Choose the guest of this opinion before raising a complaint.")
            )
        complaint = self.env["cs.complaint"].create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "description": plaintext2html(self.opinion),
                "channel": "visit",
                "complaint_date": self.supervision_id.peak_time,
                "supervision_id": self.supervision_id.id,
            }
        )
        self.complaint_id = complaint
        if self.kind != "complaint":
            self.kind = "complaint"
        return complaint._action_open()
