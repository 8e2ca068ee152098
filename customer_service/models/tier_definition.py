from odoo import api, models


class TierDefinition(models.Model):
    _inherit = "tier.definition"

    @api.model
    def _get_tier_validation_model_names(self):
        return super()._get_tier_validation_model_names() + [
            "cs.archive.access.request",
            "cs.archive.destruction",
            "cs.complaint.solution",
            "cs.compensation",
            "cs.retention.plan",
        ]
