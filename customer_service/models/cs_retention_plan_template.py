from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .cs_contact_log import CHANNELS

INTERVAL_UNITS = [("day", "Days"), ("week", "Weeks"), ("month", "Months")]
# Rough length of a unit, to compare frequencies given in different units.
UNIT_DAYS = {"day": 1, "week": 7, "month": 30}
CUSTOMER_CLASSES = [("strategic", "Strategic"), ("key", "Key"), ("normal", "Normal")]
DEFAULT_GIFT_VALUE_CAP = 200.0


def interval_delta(number, unit, times=1):
    """The relativedelta of ``times`` intervals of ``number`` ``unit``s."""
    return relativedelta(**{f"{unit}s": number * times})


class CsRetentionPlanTemplate(models.Model):
    """How customer service keeps in touch with one class of guests (R2, R7, R16).

    A retention plan applies a template to archives: how often a guest is
    contacted and by which channels, whether greetings go out before the
    festivals and the birthday, and how often a strategic client is visited.
    Members (an archive with a VIP level) are called by phone at least once a
    week (R7) unless the template says otherwise.
    """

    _name = "cs.retention.plan.template"
    _description = "Retention Plan Template"
    _order = "sequence, id"
    _check_company_auto = True

    _contact_interval_positive = models.Constraint(
        "CHECK (contact_interval > 0)", "The contact frequency must be at least one."
    )
    _visit_interval_not_negative = models.Constraint(
        "CHECK (visit_interval >= 0)", "The visit cadence cannot be negative."
    )
    _alternate_every_not_negative = models.Constraint(
        "CHECK (alternate_every >= 0)", "The alternate channel's rhythm cannot be negative."
    )

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        ondelete="cascade",
        help="Leave empty to share the template between companies.",
    )
    customer_class = fields.Selection(CUSTOMER_CLASSES, required=True, default="normal")
    members_only = fields.Boolean(
        help="Only archives with a VIP level (members) may be planned with this template."
    )

    # Regular contacts (R7)
    contact_interval = fields.Integer(string="Contact Every", required=True, default=1)
    contact_interval_unit = fields.Selection(
        INTERVAL_UNITS, string="Contact Unit", required=True, default="month"
    )
    channel = fields.Selection(CHANNELS, string="Main Channel", required=True, default="phone")
    alternate_channel = fields.Selection(CHANNELS)
    alternate_every = fields.Integer(
        help="Every Nth scheduled contact uses the alternate channel; 0 never does."
    )
    member_weekly_call = fields.Boolean(
        string="Members: Weekly Call",
        default=True,
        help="Members (a VIP level other than none) are called by phone at least once a "
        "week, whatever the frequency above.",
    )

    # Visits (strategic clients)
    visit_interval = fields.Integer(
        string="Visit Every", help="Visit cadence for strategic clients; 0 plans no visit."
    )
    visit_interval_unit = fields.Selection(
        INTERVAL_UNITS, string="Visit Unit", required=True, default="month"
    )

    # Greetings (R16)
    greetings = fields.Boolean(
        default=True,
        help="Greet the guests before the traditional festivals and their birthday.",
    )
    gift_value = fields.Float(
        string="Gift Proposal Value",
        help="Value of the gift proposed with each greeting; 0 proposes none. It cannot "
        "exceed the gift value cap in the settings.",
    )
    note = fields.Text()

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains(
        "contact_interval", "visit_interval", "alternate_every", "alternate_channel", "gift_value"
    )
    def _check_rhythm(self):
        cap = self.env["cs.greeting"]._gift_value_cap()
        for template in self:
            if template.contact_interval < 1:
                raise ValidationError(self.env._("The contact frequency must be at least one."))
            if template.visit_interval < 0 or template.alternate_every < 0:
                raise ValidationError(
                    self.env._("The visit cadence and the alternate rhythm cannot be negative.")
                )
            if template.alternate_every and not template.alternate_channel:
                raise ValidationError(
                    self.env._("Choose the alternate channel, or set its rhythm to 0.")
                )
            if template.gift_value < 0 or template.gift_value > cap:
                raise ValidationError(
                    self.env._(
                        "The gift proposal of %(value)s is outside the allowed range "
                        "(0 to %(cap)s).",
                        value=template.gift_value,
                        cap=cap,
                    )
                )

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _contact_rules(self, archive):
        """The recurring contacts this template plans for one archive.

        Returns tuples ``(kind, number, unit, channel, alternate_channel,
        alternate_every)``; ``kind`` is ``contact`` or ``visit``. Archives with
        the same tuples share one computation of their due dates.
        """
        self.ensure_one()
        rules = []
        contact = (
            "contact",
            self.contact_interval,
            self.contact_interval_unit,
            self.channel,
            self.alternate_channel or False,
            self.alternate_every if self.alternate_channel else 0,
        )
        weekly_call = ("contact", 1, "week", "phone", False, 0)
        is_member = archive.vip_level and archive.vip_level != "none"
        if is_member and self.member_weekly_call:
            days = self.contact_interval * UNIT_DAYS[self.contact_interval_unit]
            if days > 7:
                # R7: at least once a week by phone replaces a rarer rhythm.
                contact = weekly_call
            elif self.channel != "phone":
                rules.append(weekly_call)
        rules.append(contact)
        if archive.customer_class == "strategic" and self.visit_interval:
            visit = ("visit", self.visit_interval, self.visit_interval_unit, "visit", False, 0)
            rules.append(visit)
        return rules
