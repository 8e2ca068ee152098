from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

GROUP_USER = "customer_service.group_cs_user"
GROUP_MANAGER = "customer_service.group_cs_manager"


class CsComplaintSolution(models.Model):
    """One way to settle a complaint (R14.4).

    CS proposes several; the complaint submits them all to tier validation
    and a CS manager picks one by approving it. The others are then
    cancelled. If the manager rejects them all, the complaint goes back to
    the investigation for new proposals.
    """

    _name = "cs.complaint.solution"
    _description = "Complaint Solution"
    _order = "complaint_id, sequence, id"
    _inherit = ["cs.approval.mixin"]
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    complaint_id = fields.Many2one(
        "cs.complaint", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="complaint_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    name = fields.Char(string="Solution", required=True)
    description = fields.Text(help="What will be done for the guest, by whom and when.")
    estimated_cost = fields.Monetary(currency_field="currency_id")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("cancel", "Not Chosen"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
    )
    approver_user_ids = fields.Many2many(
        "res.users",
        string="Who May Approve",
        compute="_compute_approver_user_ids",
        help="CS managers of the complaint's company, leaders and admins included "
        "(they imply the manager role). The tier definition reviews by this field: "
        "a group review would only ask the group's explicit members.",
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, ondelete="set null")
    approved_date = fields.Datetime(readonly=True, copy=False)

    @api.depends("company_id")
    def _compute_approver_user_ids(self):
        managers = self.env.ref(GROUP_MANAGER)
        for solution in self:
            solution.approver_user_ids = managers._cs_active_users(solution.company_id)

    @api.constrains("estimated_cost")
    def _check_estimated_cost(self):
        if any(solution.estimated_cost < 0 for solution in self):
            raise ValidationError(self.env._("The estimated cost cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group(GROUP_USER):
            raise UserError(self.env._("Only customer-service staff may propose solutions."))
        complaints = self.env["cs.complaint"].browse(
            {vals["complaint_id"] for vals in vals_list if vals.get("complaint_id")}
        )
        closed = complaints.filtered(lambda c: c.state not in ("investigating", "proposed"))
        if closed:
            raise UserError(
                self.env._(
                    "Solutions are proposed while %(refs)s is being investigated.",
                    refs=", ".join(closed.mapped("name")),
                )
            )
        for vals in vals_list:
            if vals.get("state", "draft") != "draft":
                raise UserError(self.env._("A new solution is always a draft."))
        return super().create(vals_list)

    def unlink(self):
        if any(solution.state != "draft" for solution in self):
            raise UserError(self.env._("Only a draft solution can be deleted."))
        return super().unlink()

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_approve(self):
        """The manager picks this solution (R14.4), through tier validation.

        With several tiers, each approval but the last is recorded and the
        solution waits for the next tier: the user is told so, not with an
        error, which would roll the approval back. A user whose tier is not
        the next one approves nothing, and is told whom it waits for.
        """
        self.ensure_one()
        approved = self.review_ids.filtered(lambda r: r.status == "approved")
        action = self.validate_tier()
        if action or self.state == "approved":
            return action or True  # the tier's comment wizard, or done
        if not self.review_ids.filtered(lambda r: r.status == "approved") - approved:
            # Tiers go in order: this user's turn has passed or not come.
            waiting = self.review_ids.filtered(lambda r: r.status == "pending")
            raise UserError(
                self.env._(
                    "%(solution)s waits for another reviewer: %(review)s.",
                    solution=self.name,
                    review=waiting.sorted("sequence")[:1].name or "",
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "Your approval of %(solution)s is recorded; it still waits for "
                    "other reviewers.",
                    solution=self.name,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_reject(self):
        """The manager turns this solution down."""
        self.ensure_one()
        self.reject_tier()
        return True

    def _validate_tier(self, tiers=False):
        self._check_can_review()
        return super()._validate_tier(tiers)

    def _rejected_tier(self, tiers=False):
        self._check_can_review()
        result = super()._rejected_tier(tiers)
        self.complaint_id._on_solution_rejected()
        return result

    def action_cancel(self):
        """Withdraw a proposal; with none left, the complaint is investigated again."""
        result = super().action_cancel()
        self.complaint_id._on_solution_rejected()
        return result

    def restart_validation(self):
        # Dropping the reviews of a submitted solution would leave it waiting
        # for nobody: withdraw it and propose again instead.
        if any(solution.state != "draft" for solution in self):
            raise UserError(self.env._("Withdraw the solution and propose it again instead."))
        return super().restart_validation()

    # ------------------------------------------------------------
    # Approval hooks
    # ------------------------------------------------------------

    def _check_can_submit(self):
        if not self.env.user.has_group(GROUP_USER):
            raise UserError(self.env._("Only customer-service staff may propose solutions."))
        if any(solution.complaint_id.state != "proposed" for solution in self):
            raise UserError(
                self.env._("Submit solutions from the complaint, with Propose Solutions.")
            )

    def _check_can_review(self):
        if not self.env.user.has_group(GROUP_MANAGER):
            raise UserError(self.env._("Only a CS manager may approve or reject a solution."))
        for solution in self:
            if solution.state != "submitted" or solution.complaint_id.state != "proposed":
                raise UserError(
                    self.env._("%(solution)s is not waiting for approval.", solution=solution.name)
                )

    def _on_approved(self):
        user = self.env.user  # the reviewer: the mixin calls this as sudo, uid kept
        result = self.write(
            {"state": "approved", "approved_by_id": user.id, "approved_date": fields.Datetime.now()}
        )
        for solution in self:
            solution.complaint_id._on_solution_approved(solution)
        return result
