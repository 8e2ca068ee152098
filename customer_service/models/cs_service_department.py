from odoo import fields, models


class CsServiceDepartment(models.Model):
    """A hotel department that reports to customer service (R1, R6).

    Front office, F&B, housekeeping and recreation are shipped; admins may add
    more. Members are the liaisons who report consumption and preferences.
    """

    _name = "cs.service.department"
    _description = "Service Department"
    _order = "sequence, id"

    _code_unique = models.UniqueIndex(
        "(code)",
        "A service department with this code already exists.",
    )

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical code used by imports and integrations, e.g. front_office.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    manager_id = fields.Many2one(
        "res.users",
        string="Department Manager",
        ondelete="set null",
        help="Approves requests for archive information from this department.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "cs_service_department_member_rel",
        "department_id",
        "user_id",
        string="Liaisons",
    )
    # Invoices feed consumption (R6): a product category (or its children)
    # names the department first, the sales journal second.
    product_categ_ids = fields.Many2many(
        "product.category",
        "cs_service_department_product_category_rel",
        "department_id",
        "categ_id",
        string="Product Categories",
        help="Invoice lines of products in these categories (or their children) "
        "become this department's consumption.",
    )
    journal_ids = fields.Many2many(
        "account.journal",
        "cs_service_department_journal_rel",
        "department_id",
        "journal_id",
        string="Sales Journals",
        domain="[('type', '=', 'sale')]",
        help="Invoice lines that no product category maps go to the department "
        "of their invoice's journal.",
    )
    points_per_amount = fields.Float(
        string="Points per Amount",
        digits=(16, 4),
        default=1.0,
        help="Returning-guest points earned per unit of currency consumed here.",
    )
