from odoo import models

from ..cron import batches


class MailActivityMixin(models.AbstractModel):
    _inherit = "mail.activity.mixin"

    def _cs_escalate_to_managers(self, activity_type_xmlid, flag_field, summary=None):
        """Escalate these records to the CS managers of each one's company, once.

        Schedules one activity of ``activity_type_xmlid`` per record for every
        CS manager of the record's company (a hotel group's managers see only
        their own hotel's records), then sets the boolean ``flag_field``, which
        marks a record as escalated. Records already flagged are left alone,
        and so are those of a company without a manager: they stay unflagged,
        to go to the manager appointed later. Returns the escalated records.
        """
        todo = self.filtered(lambda record: not record[flag_field])
        escalated_ids = []
        managers_of = {}
        # The flag is the key: it is committed with its batch's activities.
        for batch in batches(self.env, todo, size=500):
            escalated = self.browse()
            for company, records in batch.grouped("company_id").items():
                if company not in managers_of:
                    managers_of[company] = (
                        company._cs_managers() if company else self.env["res.users"]
                    )
                managers = managers_of[company]
                if not managers:
                    continue
                records = records.with_context(mail_activity_quick_update=True)
                for manager in managers:
                    records.activity_schedule(
                        activity_type_xmlid, summary=summary, user_id=manager.id
                    )
                escalated |= records
            escalated.write({flag_field: True})
            escalated_ids += escalated.ids
        return self.browse(escalated_ids)
