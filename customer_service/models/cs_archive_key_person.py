from odoo import fields, models

# A change of these is a key person's change of role (R8).
ROLE_FIELDS = ("position", "decision_role")


class CsArchiveKeyPerson(models.Model):
    """Someone who matters in a corporate client's decisions (R1, R8).

    When a key person leaves (archived or deleted) or changes role, a
    customer change is recorded for sales and finance.
    """

    _name = "cs.archive.key.person"
    _description = "Corporate Key Person"
    _order = "sequence, id"
    _inherit = ["cs.archive.content.mixin"]

    archive_id = fields.Many2one("cs.guest.archive", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    position = fields.Char()
    decision_role = fields.Selection(
        [
            ("decision_maker", "Decision Maker"),
            ("influencer", "Influencer"),
            ("user", "User"),
            ("gatekeeper", "Gatekeeper"),
        ],
        string="Role in Purchase Decisions",
    )
    phone = fields.Char()
    email = fields.Char()
    active = fields.Boolean(default=True, help="Cleared when the person leaves the client.")

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        Change = self.env["cs.customer.change"]
        leaving = self.filtered("active") if vals.get("active") is False else self.browse()
        role_fields = [f for f in ROLE_FIELDS if f in vals]
        old_roles = (
            {
                person.id: {field: person[field] for field in ROLE_FIELDS}
                for person in (self - leaving)
            }
            if role_fields
            else {}
        )
        result = super().write(vals)
        if leaving:
            Change._record_key_person_changes(leaving, "key_person_left")
        changed = self.browse(
            pid
            for pid, old in old_roles.items()
            if any((old[f] or False) != (self.browse(pid)[f] or False) for f in role_fields)
        ).filtered("active")
        if changed:
            Change._record_key_person_changes(changed, "key_person_role_change", old_roles)
        return result

    def unlink(self):
        # Recorded before the row goes: the change describes who left.
        self.env["cs.customer.change"]._record_key_person_changes(
            self.filtered("active"), "key_person_left"
        )
        return super().unlink()
