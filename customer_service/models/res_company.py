from odoo import api, fields, models
from odoo.exceptions import UserError

COMPLAINT_ALIAS_NAME = "complaints"


class ResCompany(models.Model):
    _inherit = "res.company"

    # Compensation accounting (R5, R11). Empty means: the default from the
    # chart of accounts, see _cs_account and _cs_journal.
    cs_credit_note_journal_id = fields.Many2one(
        "account.journal",
        string="Compensation Credit Note Journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
    )
    cs_entry_journal_id = fields.Many2one(
        "account.journal",
        string="Compensation Entry Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
    )
    cs_credit_note_account_id = fields.Many2one(
        "account.account",
        string="Waivers and Discounts Account",
        check_company=True,
        help="Credited to the guest on waivers, discounts and refunds.",
    )
    cs_round_off_account_id = fields.Many2one(
        "account.account", string="Round-off Account", check_company=True
    )
    cs_gift_account_id = fields.Many2one(
        "account.account", string="Gift Expense Account", check_company=True
    )
    cs_gift_counterpart_account_id = fields.Many2one(
        "account.account",
        string="Gift Counterpart Account",
        check_company=True,
        help="Credited when a gift is given: what the gift is paid from.",
    )
    # Complaints by email (R14.1), see _cs_create_complaint_aliases.
    cs_complaint_alias_id = fields.Many2one(
        "mail.alias",
        string="Complaints Alias",
        ondelete="restrict",
        copy=False,
        help="Guests' emails to this address become complaints of this company.",
    )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._cs_create_complaint_aliases()
        return companies

    def unlink(self):
        aliases = self.cs_complaint_alias_id
        result = super().unlink()
        aliases.sudo().unlink()
        return result

    # ------------------------------------------------------------
    # Complaints alias
    # ------------------------------------------------------------

    @api.model
    def _cs_create_missing_complaint_aliases(self):
        """Called from data on every install and update: only fills in the gaps."""
        self.with_context(active_test=False).search(
            [("cs_complaint_alias_id", "=", False)]
        )._cs_create_complaint_aliases()

    def _cs_create_complaint_aliases(self):
        """Give each company its own ``mail.alias`` for complaints.

        A plain alias that the company points to, rather than ``mail.alias.mixin``
        on the company: the mixin's ``alias_domain_id`` would clash with the
        company's own email domain field, and a company is not a mail thread.
        The alias creates ``cs.complaint`` records with the company as default,
        on the company's email domain, and is owned by the company (shown as
        such in *Settings > Technical > Aliases*). The admin edits it in
        *Settings > Customer Service*, per company.

        Its name is ``complaints``, or, where another company already uses
        that name on the same domain, ``complaints-<company>``, the way
        Odoo names the journals' aliases of further companies. If even that
        is taken, the alias starts without a name (inactive) for the admin
        to name.
        """
        # Oldest first: the main company is the one that gets the plain name.
        companies = self.filtered(lambda company: not company.cs_complaint_alias_id).sorted("id")
        if not companies:
            return
        Alias = self.env["mail.alias"].sudo()
        taken = {
            (alias.alias_domain_id, alias.alias_name)
            for alias in Alias.search(
                [
                    ("alias_name", "=like", f"{COMPLAINT_ALIAS_NAME}%"),
                    ("alias_domain_id", "in", [*companies.alias_domain_id.ids, False]),
                ]
            )
        }
        model_id = self.env["ir.model"]._get_id("cs.complaint")
        company_model_id = self.env["ir.model"]._get_id("res.company")
        vals_list = []
        for company in companies:
            domain = company.alias_domain_id
            identifier = (
                Alias._sanitize_alias_name(company.name)
                if Alias._is_encodable(company.name)
                else company.id
            )
            candidates = (
                COMPLAINT_ALIAS_NAME,
                f"{COMPLAINT_ALIAS_NAME}-{identifier}",
                f"{COMPLAINT_ALIAS_NAME}-{company.id}",
            )
            name = next((name for name in candidates if (domain, name) not in taken), False)
            taken.add((domain, name))
            vals_list.append(
                {
                    "alias_name": name,
                    "alias_domain_id": domain.id,
                    "alias_model_id": model_id,
                    "alias_defaults": repr({"company_id": company.id}),
                    "alias_parent_model_id": company_model_id,
                    "alias_parent_thread_id": company.id,
                    "alias_contact": "everyone",
                }
            )
        for company, alias in zip(companies, Alias.create(vals_list), strict=True):
            company.sudo().cs_complaint_alias_id = alias

    def _cs_journal(self, kind):
        """The journal for credit notes ('credit_note') or entries ('entry')."""
        self.ensure_one()
        field, journal_type = {
            "credit_note": ("cs_credit_note_journal_id", "sale"),
            "entry": ("cs_entry_journal_id", "general"),
        }[kind]
        journal = self.sudo()[field] or self.env["account.journal"].sudo().search(
            [*self.env["account.journal"]._check_company_domain(self), ("type", "=", journal_type)],
            limit=1,
        )
        if not journal:
            raise UserError(
                self.env._(
                    "Set up a %(type)s journal for compensation in the Customer Service settings.",
                    type=journal_type,
                )
            )
        return journal

    def _cs_account(self, kind):
        """The account for a kind of compensation booking, or its default."""
        self.ensure_one()
        company = self.sudo()
        Account = self.env["account.account"].sudo().with_company(company)
        domain = Account._check_company_domain(company)
        if kind == "credit_note":
            account = company.cs_credit_note_account_id or company.income_account_id
            fallback = [("account_type", "=", "income")]
        elif kind == "round_off":
            account = (
                company.cs_round_off_account_id
                or company.default_cash_difference_expense_account_id
                or company.expense_account_id
            )
            fallback = [("account_type", "=", "expense")]
        elif kind == "gift":
            account = company.cs_gift_account_id or company.expense_account_id
            fallback = [("account_type", "=", "expense")]
        else:  # gift_counterpart
            cash = (
                self.env["account.journal"]
                .sudo()
                .search(
                    [
                        *self.env["account.journal"]._check_company_domain(company),
                        ("type", "=", "cash"),
                    ],
                    limit=1,
                )
            )
            account = company.cs_gift_counterpart_account_id or cash.default_account_id
            fallback = [("account_type", "=", "asset_cash")]
        account = account or Account.search([*domain, *fallback], limit=1)
        if not account:
            raise UserError(
                self.env._("Set up the compensation accounts in the Customer Service settings.")
            )
        return account

    def _cs_managers(self):
        """The CS managers of this company: managers who are neither leaders nor admins.

        Falls back to everyone with manager rights when no one has the role alone.
        """
        self.ensure_one()
        candidates = self.env.ref("customer_service.group_cs_manager")._cs_active_users(self)
        above = (
            self.env.ref("customer_service.group_cs_leader")
            | self.env.ref("customer_service.group_cs_admin")
        )._cs_active_users(self)
        return (candidates - above) or candidates

    def _cs_leaders(self):
        """The company leaders of this company."""
        self.ensure_one()
        return self.env.ref("customer_service.group_cs_leader")._cs_active_users(self)

    def _cs_demo_populate(self):
        """Make this company the demo resort (demo data only: demo/cs_demo.xml)."""
        # Imported here: the generator is only ever needed by a demo install.
        from .. import demo_resort

        demo_resort.populate(self)
