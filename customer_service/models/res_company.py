from odoo import fields, models
from odoo.exceptions import UserError


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
