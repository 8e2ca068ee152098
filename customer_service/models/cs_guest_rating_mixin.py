from odoo import api, fields, models

from odoo.addons.rating.models.rating_data import RATING_LIMIT_OK, RATING_LIMIT_SATISFIED

from .cs_contact_log import SATISFACTION


class CsGuestRatingMixin(models.AbstractModel):
    """The guest rates what CS did for them, in one click, through Odoo's rating.

    After a callback, or once a complaint is closed, the guest receives a
    rating email in their own language (``rating.mixin``'s request, queued).
    Their answer, through the public ``/rate`` route, becomes the record's
    ``guest_rating``; a dissatisfied guest gives the owner a follow-up
    activity.
    """

    _name = "cs.guest.rating.mixin"
    _description = "Guest Rating"
    _inherit = ["rating.mixin"]
    # The mail.template that asks for the rating.
    _cs_rating_template = None

    guest_rating = fields.Selection(
        SATISFACTION,
        string="Guest's Rating",
        readonly=True,
        copy=False,
        help="What the guest answered to the rating email.",
    )

    def _cs_rating_owner(self):
        """The user who follows a dissatisfied rating up."""
        raise NotImplementedError

    def _cs_request_ratings(self):
        """Ask each guest with an email address to rate, in their language."""
        template = self.env.ref(self._cs_rating_template, raise_if_not_found=False)
        if not template or self.env.context.get("cs_no_rating_request"):
            return
        for record in self.sudo():
            partner = record._rating_get_partner()
            if partner.email:
                record.rating_send_request(template, lang=partner.lang, force_send=False)

    @api.model
    def _cs_satisfaction_of(self, rate):
        if rate >= RATING_LIMIT_SATISFIED:
            return "satisfied"
        if rate >= RATING_LIMIT_OK:
            return "average"
        return "dissatisfied"

    def rating_apply(self, rate, token=None, rating=None, feedback=None, **kwargs):
        rating = super().rating_apply(rate, token=token, rating=rating, feedback=feedback, **kwargs)
        record = self.browse(rating.res_id).sudo()
        satisfaction = self._cs_satisfaction_of(rate)
        record.guest_rating = satisfaction
        if satisfaction == "dissatisfied":
            owner = record._cs_rating_owner()
            record.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=owner.id or self.env.ref("base.user_admin").id,
                summary=self.env._("The guest is dissatisfied: follow up"),
                note=feedback or False,
            )
        return rating
