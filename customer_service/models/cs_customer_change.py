from odoo import api, fields, models
from odoo.exceptions import AccessError

CHANGE_TYPES = [
    ("employer_change", "Employer Change"),
    ("position_change", "Position Change"),
    ("key_person_left", "Key Person Left"),
    ("key_person_role_change", "Key Person Role Change"),
    ("other", "Other"),
]
# Archive fields whose change is a change in the guest's situation (R8).
ARCHIVE_TRACKED_FIELDS = ("employer_id", "job_title")


class CsCustomerChange(models.Model):
    """A change in a guest's situation that sales and finance must know (R8).

    An individual who changes employer or position, a corporate client's key
    person who leaves or changes role. Changes are detected on the archive
    and its key people, or recorded by hand; each one gives the partner's
    salesperson and every finance user an activity.
    """

    _name = "cs.customer.change"
    _description = "Customer Change"
    _order = "change_date desc, id desc"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        help="The guest, or the corporate client whose key person changed.",
    )
    salesperson_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    archive_id = fields.Many2one(
        "cs.guest.archive", ondelete="set null", index="btree_not_null", readonly=True
    )
    change_type = fields.Selection(CHANGE_TYPES, string="Type", required=True, index=True)
    old_value = fields.Text(string="Before")
    new_value = fields.Text(string="After")
    change_date = fields.Date(
        string="Date", required=True, default=fields.Date.context_today, index=True
    )
    source = fields.Selection(
        [("detected", "Detected"), ("manual", "Recorded by Hand")],
        required=True,
        default="manual",
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded By",
        default=lambda self: self.env.user,
        ondelete="set null",
        readonly=True,
    )
    note = fields.Text(string="Notes")

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.depends("partner_id", "change_type")
    def _compute_display_name(self):
        types = dict(self._fields["change_type"]._description_selection(self.env))
        for change in self:
            change.display_name = (
                f"{change.partner_id.name or ''} · {types.get(change.change_type, '')}"
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # Where a change comes from is decided here, not by the caller.
            for vals in vals_list:
                vals.pop("source", None)
                vals.pop("user_id", None)
                vals.pop("archive_id", None)
        changes = super().create(vals_list)
        changes._notify_sales_and_finance()
        return changes

    # ------------------------------------------------------------
    # Detection (R8)
    # ------------------------------------------------------------

    @api.model
    def _archive_snapshot(self, archives):
        """What the tracked fields of ``archives`` hold now, before a write."""
        return {
            archive.id: {
                "employer_id": archive.employer_id.id,
                "job_title": archive.job_title or False,
            }
            for archive in archives.sudo()
        }

    @api.model
    def _record_archive_changes(self, archives, old_values):
        """Record employer and position changes of ``archives`` after a write.

        ``old_values`` is what :meth:`_archive_snapshot` returned before the
        write. A new employer (with or without a new position) is one employer
        change; a new position alone is a position change. A first value
        (nothing before) is data entry, not a change.
        """
        Partner = self.env["res.partner"].sudo()
        # The former employers' names, in one query rather than one per archive.
        Partner.browse(
            {old["employer_id"] for old in old_values.values() if old["employer_id"]}
        ).fetch(["name"])
        vals_list = []
        for archive in archives.sudo():
            old = old_values.get(archive.id)
            if not old or archive.destroyed:
                continue
            old_employer = Partner.browse(old["employer_id"] or [])
            new_employer = archive.employer_id
            old_title = old["job_title"] or ""
            new_title = archive.job_title or ""
            if old_employer and old_employer != new_employer:
                change_type = "employer_change"
            elif old_title and old_title != new_title:
                change_type = "position_change"
            else:
                continue
            vals_list.append(
                {
                    "partner_id": archive.partner_id.id,
                    "company_id": archive.company_id.id,
                    "archive_id": archive.id,
                    "change_type": change_type,
                    "old_value": self._describe_job(old_employer, old_title),
                    "new_value": self._describe_job(new_employer, new_title),
                    "source": "detected",
                    "user_id": self.env.uid,
                }
            )
        return self.sudo().create(vals_list) if vals_list else self.browse()

    @api.model
    def _record_key_person_changes(self, key_people, change_type, old_values=None):
        """Record that corporate key people left, or changed role (R8)."""
        roles = dict(
            self.env["cs.archive.key.person"]
            ._fields["decision_role"]
            ._description_selection(self.env)
        )
        vals_list = []
        for person in key_people.sudo():
            archive = person.archive_id
            if archive.destroyed:
                continue
            new_role = self._describe_role(person.position, roles.get(person.decision_role))
            if change_type == "key_person_left":
                old_value = self._describe_person(person.name, new_role)
                new_value = self.env._("Left %(client)s", client=archive.partner_id.name)
            else:
                old = old_values[person.id]
                old_value = self._describe_person(
                    person.name,
                    self._describe_role(old["position"], roles.get(old["decision_role"])),
                )
                new_value = self._describe_person(person.name, new_role)
            vals_list.append(
                {
                    "partner_id": archive.partner_id.id,
                    "company_id": archive.company_id.id,
                    "archive_id": archive.id,
                    "change_type": change_type,
                    "old_value": old_value,
                    "new_value": new_value,
                    "source": "detected",
                    "user_id": self.env.uid,
                }
            )
        return self.sudo().create(vals_list) if vals_list else self.browse()

    def _describe_job(self, employer, title):
        parts = [part for part in (employer.name, title) if part]
        return ", ".join(parts) or self.env._("(none)")

    def _describe_role(self, position, role):
        return " / ".join(part for part in (position, role) if part)

    def _describe_person(self, name, role):
        return f"{name} ({role})" if role else name

    # ------------------------------------------------------------
    # Notification (R8)
    # ------------------------------------------------------------

    def _change_recipients(self, finance):
        """The salesperson of the partner and ``finance``, the company's finance users."""
        self.ensure_one()
        salesperson = self.partner_id.user_id.filtered(
            lambda u: u.active and not u.share and self.company_id in u.company_ids
        )
        return salesperson | finance

    def _notify_sales_and_finance(self):
        """One activity per recipient and change, created in one call, plus a note."""
        if not self:
            return
        if not (self.env.su or self.env.user.has_group("customer_service.group_cs_user")):
            raise AccessError(self.env._("Only customer service records customer changes."))
        activity_type = self.env.ref("customer_service.mail_activity_type_customer_change")
        model_id = self.env["ir.model"]._get_id(self._name)
        types = dict(self._fields["change_type"]._description_selection(self.env))
        vals_list = []
        bodies = {}
        group = self.env.ref("customer_service.group_cs_finance")
        finance = {company: group._cs_active_users(company) for company in self.company_id}
        for change in self:
            recipients = change._change_recipients(finance[change.company_id])
            summary = self.env._(
                "%(type)s: %(customer)s",
                type=types[change.change_type],
                customer=change.partner_id.name,
            )
            for user in recipients:
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": change.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "summary": summary,
                        "date_deadline": change.change_date,
                    }
                )
            if recipients:
                bodies[change.id] = self.env._(
                    "%(type)s: %(old)s → %(new)s. Notified: %(users)s.",
                    type=types[change.change_type],
                    old=change.old_value or "-",
                    new=change.new_value or "-",
                    users=", ".join(recipients.mapped("name")),
                )
            else:
                bodies[change.id] = self.env._(
                    "%(type)s recorded; the customer has no salesperson and no finance "
                    "user was found to notify.",
                    type=types[change.change_type],
                )
        if vals_list:
            # The activity is the notification (systray, followers); the core's
            # extra "assigned to you" mail would cost a dozen queries per activity.
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                vals_list
            )
        self.sudo()._message_log_batch(bodies=bodies)
