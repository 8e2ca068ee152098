from odoo import models
from odoo.exceptions import UserError


class CsApprovalMixin(models.AbstractModel):
    """A request that goes draft → submitted → approved through tier validation.

    Borrowing an archive and destroying archives share this life: the owner
    submits, the reviewers of the tier definitions approve or reject, and the
    model reacts once every review is approved (``_on_approved``). Models
    declare a ``state`` selection with draft, submitted, approved, rejected
    and cancel among its values.
    """

    _name = "cs.approval.mixin"
    _description = "Customer Service Approval"
    _inherit = ["tier.validation"]
    _tier_validation_manual_config = False
    _state_from = ["draft", "submitted"]
    _state_to = ["approved"]

    def action_submit(self):
        if any(record.state != "draft" for record in self):
            raise UserError(self.env._("Only a draft can be submitted."))
        self._check_can_submit()
        self.write({"state": "submitted"})
        self.request_validation()
        return True

    # The hooks sit on _validate_tier/_rejected_tier, the step every path
    # takes: the buttons, and OCA's comment wizard when a tier asks for one.
    def _validate_tier(self, tiers=False):
        result = super()._validate_tier(tiers)
        if self.validation_status == "validated" and self.state == "submitted":
            # need_validation has no dependencies: drop a value cached before
            # the reviews existed. The reviews authorized what follows, and the
            # reviewer may not see all of them, hence sudo (the uid stays).
            self.invalidate_recordset(["need_validation"])
            self.sudo()._on_approved()
        return result

    def _rejected_tier(self, tiers=False):
        result = super()._rejected_tier(tiers)
        if self.validation_status == "rejected":
            self.with_context(skip_validation_check=True).write({"state": "rejected"})
        return result

    def action_cancel(self):
        if any(record.state not in ("draft", "submitted") for record in self):
            raise UserError(self.env._("Only a pending request can be cancelled."))
        self.with_context(skip_validation_check=True).write({"state": "cancel"})
        return True

    def _check_can_submit(self):
        """Raise if the current user may not submit these records."""

    def _on_approved(self):
        """Every review approved: carry the request out (called as superuser)."""
        return self.write({"state": "approved"})
