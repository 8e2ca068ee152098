from odoo import models


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
        escalated = self.browse()
        for company, records in todo.grouped("company_id").items():
            managers = company._cs_managers() if company else self.env["res.users"]
            if not managers:
                continue
            records = records.with_context(mail_activity_quick_update=True)
            for manager in managers:
                records.activity_schedule(activity_type_xmlid, summary=summary, user_id=manager.id)
            escalated |= records
        escalated.write({flag_field: True})
        return escalated
