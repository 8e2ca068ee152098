from odoo import fields, models


class CsArchiveTag(models.Model):
    """Free labels on guest archives (e.g. "honeymoon", "golf", "allergy")."""

    _name = "cs.archive.tag"
    _description = "Guest Archive Tag"
    _order = "name"

    _name_unique = models.UniqueIndex("(name)", "A tag with this name already exists.")

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)
