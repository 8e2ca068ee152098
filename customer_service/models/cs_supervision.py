from odoo import api, fields, models
from odoo.exceptions import UserError

GROUP_USER = "customer_service.group_cs_user"


class CsSupervision(models.Model):
    """A round of on-site supervision at a peak time (消费过程跟踪督导, R3).

    CS walks the floor of a department at its busiest, notes what it finds,
    collects guests' opinions and settles requests and complaints on the
    spot. The form is built for a phone: short groups, opinion lines as cards.
    """

    _name = "cs.supervision"
    _description = "On-site Supervision"
    _order = "peak_time desc, id desc"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Supervisor",
        required=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
        index=True,
    )
    peak_time = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    peak_period = fields.Selection(
        [
            ("breakfast", "Breakfast"),
            ("lunch", "Lunch"),
            ("dinner", "Dinner"),
            ("check_in", "Check-in Rush"),
            ("check_out", "Check-out Rush"),
            ("event", "Event"),
            ("other", "Other"),
        ],
    )
    department_id = fields.Many2one(
        "cs.service.department", required=True, ondelete="restrict", index=True, tracking=True
    )
    location = fields.Char(help="Where exactly: a restaurant, a floor, the lobby.")
    findings = fields.Text(help="What was seen of the service, good and bad.")
    opinion_ids = fields.One2many("cs.supervision.opinion", "supervision_id", string="Opinions")
    complaint_ids = fields.One2many("cs.complaint", "supervision_id", string="Complaints")
    opinion_count = fields.Integer(compute="_compute_counts")
    complaint_count = fields.Integer(compute="_compute_counts")
    resolved_count = fields.Integer(string="Resolved on the Spot", compute="_compute_counts")
    state = fields.Selection(
        [("in_progress", "In Progress"), ("done", "Done")],
        default="in_progress",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )

    @api.depends("opinion_ids.resolved_on_spot", "complaint_ids")
    def _compute_counts(self):
        for supervision in self:
            supervision.opinion_count = len(supervision.opinion_ids)
            supervision.complaint_count = len(supervision.complaint_ids)
            supervision.resolved_count = len(supervision.opinion_ids.filtered("resolved_on_spot"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("cs.supervision") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals and not self.env.context.get("cs_supervision_transition"):
            # The client owns the context, but moving between these two states
            # has no consequence beyond the lock, which managers may lift anyway.
            raise UserError(self.env._("Use the Done button to finish a supervision round."))
        if any(s.state == "done" for s in self) and not self.env.user.has_group(
            "customer_service.group_cs_manager"
        ):
            raise UserError(self.env._("A finished supervision round can no longer be changed."))
        return super().write(vals)

    def action_done(self):
        self._check_staff()
        if any(s.state != "in_progress" for s in self):
            raise UserError(self.env._("This supervision round is already finished."))
        self.with_context(cs_supervision_transition=True).write({"state": "done"})
        return True

    def action_reopen(self):
        if not self.env.user.has_group("customer_service.group_cs_manager"):
            raise UserError(self.env._("Only a CS manager may reopen a supervision round."))
        self.with_context(cs_supervision_transition=True).write({"state": "in_progress"})
        return True

    def action_raise_complaint(self):
        """Open a new complaint, linked to this round (R3)."""
        self.ensure_one()
        self._check_staff()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Raise a Complaint"),
            "res_model": "cs.complaint",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_supervision_id": self.id,
                "default_channel": "visit",
                "default_company_id": self.company_id.id,
                "default_complaint_date": fields.Datetime.to_string(fields.Datetime.now()),
            },
        }

    def action_view_complaints(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Complaints"),
            "res_model": "cs.complaint",
            "view_mode": "list,kanban,form",
            "domain": [("supervision_id", "=", self.id)],
            "context": {"default_supervision_id": self.id, "default_channel": "visit"},
        }

    def _check_staff(self):
        if not self.env.user.has_group(GROUP_USER):
            raise UserError(self.env._("Only customer-service staff supervise on site."))
