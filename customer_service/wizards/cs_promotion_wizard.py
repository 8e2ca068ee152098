from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

# Partners per send_mail_batch call and contact-log create.
SEND_BATCH = 500


class CsPromotionWizard(models.TransientModel):
    """Send a promotion to a segment of returning guests (R8).

    The segment is drawn from the guest archives the user may read: guests
    with at least a number of visits (consumption) in a period, of a customer
    class, last seen in a window, with some archive tags. Blacklisted guests
    and guests without an email address are left out. Each guest reached gets
    a contact record of type promotion.
    """

    _name = "cs.promotion.wizard"
    _description = "Send a Promotion"

    template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        required=True,
        domain=[("model", "=", "res.partner")],
        default=lambda self: self.env.ref(
            "customer_service.mail_template_cs_promotion", raise_if_not_found=False
        ),
    )
    min_visits = fields.Integer(
        string="Visits at Least",
        default=2,
        help="Visits are consumptions reported by any department in the period.",
    )
    visit_date_from = fields.Date(
        string="Visits From",
        default=lambda self: fields.Date.context_today(self) - relativedelta(years=1),
    )
    visit_date_to = fields.Date(string="Visits Until", default=fields.Date.context_today)
    customer_class = fields.Selection(
        [("strategic", "Strategic"), ("key", "Key"), ("normal", "Normal")]
    )
    last_visit_from = fields.Date()
    last_visit_to = fields.Date(string="Last Visit Until")
    tag_ids = fields.Many2many("cs.archive.tag", string="Archive Tags")
    match_count = fields.Integer(string="Matching Guests", compute="_compute_segment")
    reachable_count = fields.Integer(string="Guests to Email", compute="_compute_segment")
    excluded_count = fields.Integer(
        string="Opted Out or No Email",
        compute="_compute_segment",
        help="Blacklisted guests and guests without an email address.",
    )

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends(
        "min_visits",
        "visit_date_from",
        "visit_date_to",
        "customer_class",
        "last_visit_from",
        "last_visit_to",
        "tag_ids",
    )
    def _compute_segment(self):
        for wizard in self:
            try:
                matching = wizard._matching_partners()
            except ValidationError:
                matching = self.env["res.partner"]
            reachable = wizard._reachable(matching)
            wizard.match_count = len(matching)
            wizard.reachable_count = len(reachable)
            wizard.excluded_count = len(matching) - len(reachable)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_send(self):
        self.ensure_one()
        if not self.env.user.has_group("customer_service.group_cs_user"):
            raise AccessError(self.env._("Only customer service staff send promotions."))
        if self.template_id.model != "res.partner":
            raise UserError(self.env._("The promotion template must be written for contacts."))
        partners = self._reachable(self._matching_partners())
        if not partners:
            raise UserError(self.env._("No guest to reach matches this segment."))
        now = fields.Datetime.now()
        Log = self.env["cs.contact.log"]
        for start in range(0, len(partners), SEND_BATCH):
            batch = partners[start : start + SEND_BATCH]
            self.template_id.send_mail_batch(batch.ids)
            Log.create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": self.env.company.id,
                        "contact_type": "promotion",
                        "channel": "email",
                        "contact_date": now,
                        "outcome": "reached",
                        "feedback": self.env._(
                            "Promotion sent: %(template)s", template=self.template_id.name
                        ),
                    }
                    for partner in batch
                ]
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "The promotion is on its way to %(count)s guests.", count=len(partners)
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _matching_partners(self):
        """Guests of readable archives that fit every filter of the wizard."""
        self.ensure_one()
        if self.min_visits < 0:
            raise ValidationError(self.env._("The number of visits cannot be negative."))
        for start, end in (
            (self.visit_date_from, self.visit_date_to),
            (self.last_visit_from, self.last_visit_to),
        ):
            if start and end and end < start:
                raise ValidationError(self.env._("A date range must end on or after it starts."))
        # The user's own rights on archives decide who is in the segment (R12).
        archive_domain = Domain("company_id", "=", self.env.company.id) & Domain(
            "destroyed", "=", False
        )
        if self.customer_class:
            archive_domain &= Domain("customer_class", "=", self.customer_class)
        if self.tag_ids:
            archive_domain &= Domain("tag_ids", "in", self.tag_ids.ids)
        partners = (
            self.env["cs.guest.archive"].search_fetch(archive_domain, ["partner_id"]).partner_id
        )
        if not partners:
            return partners
        Consumption = self.env["cs.consumption"]
        base = Domain("partner_id", "in", partners.ids) & Domain("reversed_id", "=", False)
        if self.min_visits > 0:
            period = base
            if self.visit_date_from:
                period &= Domain("consumption_date", ">=", self.visit_date_from)
            if self.visit_date_to:
                period &= Domain(
                    "consumption_date", "<", fields.Date.add(self.visit_date_to, days=1)
                )
            visits = Consumption._read_group(period, ["partner_id"], ["__count"])
            partners = self.env["res.partner"].union(
                *(partner for partner, count in visits if count >= self.min_visits)
            )
        if partners and (self.last_visit_from or self.last_visit_to):
            last = Consumption._read_group(
                Domain("partner_id", "in", partners.ids) & Domain("reversed_id", "=", False),
                ["partner_id"],
                ["consumption_date:max"],
            )
            upper = self.last_visit_to and fields.Date.add(self.last_visit_to, days=1)
            partners = self.env["res.partner"].union(
                *(
                    partner
                    for partner, last_date in last
                    if (not self.last_visit_from or last_date.date() >= self.last_visit_from)
                    and (not upper or last_date.date() < upper)
                )
            )
        return partners

    def _reachable(self, partners):
        """Leave out opt-outs: blacklisted addresses and guests without an email."""
        return partners.filtered(lambda p: p.active and p.email_normalized and not p.is_blacklisted)
