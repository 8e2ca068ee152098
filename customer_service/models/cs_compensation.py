from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL, float_compare, float_is_zero, format_amount

from ..cron import batches

COMPENSATION_TYPES = [
    ("waive_deductible", "Waive Deductible"),
    ("waive_penalty", "Waive Penalty"),
    ("round_off", "Round Off"),
    ("gift", "Gift"),
    ("points", "Points"),
    ("discount", "Discount"),
    ("refund", "Refund"),
]
# Types booked as a customer credit note against the invoice.
CREDIT_NOTE_TYPES = ("waive_deductible", "waive_penalty", "discount", "refund")

# Written only by the signing, approval, countersign and cancel methods (as
# superuser): never by a client, whatever its rights on the record.
SIGNATURE_FIELDS = {
    "signer_id",
    "sign_date",
    "signed_at",
    "authority_user_id",
    "countersign_state",
    "countersign_user_id",
    "countersign_date",
    "countersign_escalated",
    "move_id",
    "reversal_move_id",
    "loyalty_history_id",
}
# What a signed compensation is about: frozen once it leaves draft.
FROZEN_FIELDS = {
    "partner_id",
    "company_id",
    "compensation_type",
    "amount",
    "invoice_id",
    "approver_id",
}


class CsCompensation(models.Model):
    """What the company gives a guest, within each signer's authority (R4, R5, R11).

    A CS user signs (``action_sign``). Within their limits the compensation is
    done and booked at once. Over them, the signer either names the leader
    they consulted (``approver_id``: done, with a countersign pending from
    that leader, 经请示X领导同意，请X领导补签) or asks that leader to approve
    first through tier validation (``action_submit``). Limits are counted on
    the person whose authority covered each compensation
    (``authority_user_id``): the signer, or the leader who approved.
    """

    _name = "cs.compensation"
    _description = "Guest Compensation"
    _order = "id desc"
    _inherit = ["cs.approval.mixin", "mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    _spent_index = models.Index(
        "(authority_user_id, compensation_type, sign_date) WHERE state = 'done'"
    )

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Guest",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id")
    complaint_id = fields.Many2one(
        "cs.complaint",
        ondelete="restrict",
        index="btree_not_null",
        check_company=True,
        tracking=True,
    )
    invoice_id = fields.Many2one(
        "account.move",
        ondelete="restrict",
        index="btree_not_null",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('commercial_partner_id', '=', commercial_partner_id)]",
        tracking=True,
        help="The guest's invoice this compensation concerns.",
    )
    compensation_type = fields.Selection(
        COMPENSATION_TYPES, string="Type", required=True, default="waive_deductible", tracking=True
    )
    amount = fields.Monetary(
        required=True,
        tracking=True,
        help="The value given. For points, the number of points redeemed.",
    )
    description = fields.Text(string="Reason")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Awaiting Approval"),
            ("approved", "Approved"),
            ("done", "Done"),
            ("rejected", "Rejected"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    signer_id = fields.Many2one(
        "res.users", readonly=True, copy=False, ondelete="restrict", index="btree_not_null"
    )
    sign_date = fields.Date(
        readonly=True, copy=False, help="The signer's local date: the day its limits count."
    )
    signed_at = fields.Datetime(readonly=True, copy=False)
    authority_user_id = fields.Many2one(
        "res.users",
        string="On the Authority of",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="Whose limits this compensation spent: the signer's, or the leader's who approved.",
    )
    approver_id = fields.Many2one(
        "res.users",
        string="Leader",
        ondelete="restrict",
        index="btree_not_null",
        copy=False,
        tracking=True,
        domain=lambda self: [
            ("all_group_ids", "in", self.env.ref("customer_service.group_cs_leader").ids)
        ],
        help="Over your limits: the leader you consulted (who countersigns afterwards), "
        "or the leader who approves before it is given.",
    )
    countersign_state = fields.Selection(
        [("none", "Not Needed"), ("pending", "To Countersign"), ("done", "Countersigned")],
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    countersign_user_id = fields.Many2one(
        "res.users", string="Countersigned By", readonly=True, copy=False, ondelete="restrict"
    )
    countersign_date = fields.Datetime(readonly=True, copy=False)
    countersign_escalated = fields.Boolean(readonly=True, copy=False)
    countersign_note = fields.Char(
        string="Countersign Statement",
        compute="_compute_countersign_note",
        help="What the record and its voucher state when a leader was consulted.",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        copy=False,
        ondelete="restrict",
        index="btree_not_null",
        check_company=True,
    )
    reversal_move_id = fields.Many2one(
        "account.move", readonly=True, copy=False, ondelete="restrict", check_company=True
    )
    loyalty_history_id = fields.Many2one(
        "loyalty.history", string="Points Redeemed", readonly=True, copy=False, ondelete="set null"
    )

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------

    @api.depends("approver_id", "countersign_state")
    @api.depends_context("lang")
    def _compute_countersign_note(self):
        for compensation in self:
            note = False
            if compensation.countersign_state != "none" and compensation.approver_id:
                note = self.env._(
                    "Approved by leader %(leader)s after consultation; "
                    "leader %(leader)s to countersign",
                    leader=compensation.approver_id.name,
                )
            compensation.countersign_note = note

    @api.constrains("amount", "compensation_type")
    def _check_amount(self):
        param = self.env["ir.config_parameter"].sudo().get_param
        gift_cap = float(param("customer_service.gift_value_cap", 200) or 0)
        round_off_max = float(param("customer_service.round_off_max", 10) or 0)
        for compensation in self:
            rounding = compensation.currency_id.rounding or 0.01
            if float_compare(compensation.amount, 0.0, precision_rounding=rounding) <= 0:
                raise ValidationError(self.env._("A compensation amount must be positive."))
            if (
                compensation.compensation_type == "gift"
                and gift_cap
                and float_compare(compensation.amount, gift_cap, precision_rounding=rounding) > 0
            ):
                raise ValidationError(
                    self.env._(
                        "A gift may be worth at most %(cap)s; this one is worth %(amount)s.",
                        cap=gift_cap,
                        amount=compensation.amount,
                    )
                )
            if (
                compensation.compensation_type == "round_off"
                and float_compare(compensation.amount, round_off_max, precision_rounding=rounding)
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "A round-off may be at most %(max)s; this one is %(amount)s.",
                        max=round_off_max,
                        amount=compensation.amount,
                    )
                )

    @api.constrains("invoice_id", "partner_id", "company_id")
    def _check_invoice(self):
        for compensation in self:
            invoice = compensation.invoice_id.sudo()
            if not invoice:
                continue
            if invoice.company_id != compensation.company_id:
                raise ValidationError(
                    self.env._(
                        "Invoice %(invoice)s belongs to another company.", invoice=invoice.name
                    )
                )
            if invoice.move_type != "out_invoice" or invoice.state != "posted":
                raise ValidationError(
                    self.env._(
                        "Compensation concerns a posted customer invoice; %(invoice)s is not one.",
                        invoice=invoice.name,
                    )
                )
            if invoice.commercial_partner_id != compensation.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Invoice %(invoice)s is not the guest's invoice.", invoice=invoice.name
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if SIGNATURE_FIELDS.intersection(vals) or vals.get("state", "draft") != "draft":
                    raise AccessError(self.env._("A compensation is created as a draft."))
        self._precheck_invoice_company(vals_list)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("cs.compensation") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if (
                SIGNATURE_FIELDS.intersection(vals)
                or vals.get("state") in ("approved", "done")
                or ("state" in vals and any(c.state in ("approved", "done") for c in self))
            ):
                raise AccessError(
                    self.env._("Sign, approve or countersign a compensation with its buttons.")
                )
            if FROZEN_FIELDS.intersection(vals) and any(c.state != "draft" for c in self):
                raise UserError(
                    self.env._("Only a draft compensation can be changed; cancel it instead.")
                )
        if "invoice_id" in vals:
            self._precheck_invoice_company(
                [dict(vals, company_id=vals.get("company_id", c.company_id.id)) for c in self]
            )
        return super().write(vals)

    def unlink(self):
        if any(c.state not in ("draft", "cancel") or c.move_id for c in self):
            raise UserError(self.env._("Only a draft or cancelled compensation can be deleted."))
        return super().unlink()

    def _precheck_invoice_company(self, vals_list):
        """Say plainly that the invoice is another company's, before the ORM's
        generic company check does."""
        invoice_ids = {vals["invoice_id"] for vals in vals_list if vals.get("invoice_id")}
        if not invoice_ids:
            return
        invoices = self.env["account.move"].sudo().browse(invoice_ids)
        for vals in vals_list:
            invoice = invoices.browse(vals.get("invoice_id"))
            company_id = vals.get("company_id") or self.env.company.id
            if invoice and invoice.company_id.id != company_id:
                raise ValidationError(
                    self.env._(
                        "Invoice %(invoice)s belongs to another company.", invoice=invoice.name
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_sign(self):
        """The current user signs: within their limits, or on a consulted
        leader's authority with a countersign to follow (R11)."""
        self._check_staff()
        self.check_access("write")
        for compensation in self.sorted("id"):
            compensation._sign(self.env.user)
        return True

    def action_countersign(self):
        """The consulted leader, or a leader above them, countersigns."""
        self.check_access("read")
        user = self.env.user
        limits = {}
        for compensation in self:
            if compensation.state != "done" or compensation.countersign_state != "pending":
                raise UserError(
                    self.env._(
                        "%(name)s has no countersign pending.", name=compensation.display_name
                    )
                )
            if not compensation._may_countersign(user, limits):
                raise AccessError(
                    self.env._(
                        "Only %(leader)s, or a leader above them, may countersign %(name)s.",
                        leader=compensation.approver_id.name,
                        name=compensation.display_name,
                    )
                )
        self._lock_rows()
        self.sudo().write(
            {
                "countersign_state": "done",
                "countersign_user_id": user.id,
                "countersign_date": fields.Datetime.now(),
            }
        )
        self.activity_unlink(["mail.mail_activity_data_todo"], only_automated=False)
        return True

    def action_cancel(self):
        """Cancel a pending compensation, or reverse a done one (managers)."""
        done = self.filtered(lambda c: c.state == "done")
        if not done:
            return super().action_cancel()
        if not self.env.user.has_group("customer_service.group_cs_manager"):
            raise AccessError(self.env._("Only a CS manager may cancel a given compensation."))
        if self - done:
            raise UserError(self.env._("Cancel given and pending compensations separately."))
        done.check_access("write")
        done._lock_rows()
        for compensation in done.sudo():
            compensation._unbook()
        done.sudo().with_context(skip_validation_check=True).write({"state": "cancel"})
        return True

    def action_print_voucher(self):
        self.ensure_one()
        return self.env.ref("customer_service.action_report_cs_compensation").report_action(self)

    # ------------------------------------------------------------------
    # Approval first (tier validation)
    # ------------------------------------------------------------------

    def _check_can_submit(self):
        self._check_staff()
        self.check_access("write")
        for compensation in self:
            compensation._check_before_giving()
            if not compensation.approver_id:
                raise UserError(self.env._("Choose the leader who is to approve first."))
            compensation._check_leader_covers(compensation.approver_id)

    def _on_approved(self):
        result = super()._on_approved()
        for compensation in self.sorted("id"):
            compensation._sign(compensation.create_uid, approved=True)
        return result

    # ------------------------------------------------------------------
    # Signing
    # ------------------------------------------------------------------

    def _check_staff(self):
        if not self.env.user.has_group("customer_service.group_cs_user"):
            raise AccessError(self.env._("Only customer-service staff may give compensation."))

    def _check_before_giving(self):
        """Preconditions that do not depend on limits; raise on bad input."""
        self.ensure_one()
        self._check_amount()
        self._check_invoice()
        invoice = self.invoice_id.sudo()
        if self.compensation_type == "round_off" and invoice:
            if (
                float_compare(
                    self.amount,
                    invoice.amount_residual,
                    precision_rounding=self.currency_id.rounding,
                )
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "A round-off writes off what is left of invoice %(invoice)s "
                        "(%(residual)s); %(amount)s is more than that.",
                        invoice=invoice.name,
                        residual=invoice.amount_residual,
                        amount=self._fmt(self.amount),
                    )
                )
        if self.compensation_type in CREDIT_NOTE_TYPES and invoice:
            if (
                float_compare(
                    self.amount, invoice.amount_total, precision_rounding=self.currency_id.rounding
                )
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "%(amount)s is more than invoice %(invoice)s's total.",
                        amount=self._fmt(self.amount),
                        invoice=invoice.name,
                    )
                )

    def _sign(self, signer, approved=False):
        """Give this compensation on ``signer``'s signature, under locks."""
        self.ensure_one()
        expected = "approved" if approved else "draft"
        if self.state != expected:
            raise UserError(
                self.env._(
                    "%(name)s has already been signed or is not ready to sign.",
                    name=self.display_name,
                )
            )
        self._check_before_giving()
        leader = self.approver_id
        # Lock the budgets in a consistent order, then the compensation: two
        # sessions can then neither overspend a budget nor sign twice.
        self.env["cs.authority.budget"]._lock(signer | leader)
        self._lock_rows(expected)
        countersign = "none"
        if approved:
            authority = leader
            self._check_leader_covers(leader)
        else:
            problem = self._limit_problem(signer)
            if not problem:
                authority = signer
            elif leader and leader != signer:
                self._check_leader_covers(leader, over_signer=problem)
                authority = leader
                countersign = "pending"
            else:
                raise UserError(problem)
        # Book first: if booking refuses (points short, no journal), nothing
        # about the signature is written either.
        self.sudo()._book()
        self.sudo().with_context(skip_validation_check=True).write(
            {
                "state": "done",
                "signer_id": signer.id,
                "sign_date": fields.Date.context_today(self.with_user(signer)),
                "signed_at": fields.Datetime.now(),
                "authority_user_id": authority.id,
                "countersign_state": countersign,
            }
        )
        if countersign == "pending":
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=leader.id,
                summary=self.env._("Countersign %(name)s", name=self.name),
                note=self.countersign_note,
            )

    def _lock_rows(self, state=None):
        """Lock these compensations' rows; with ``state``, refuse rows that
        another transaction has moved on (conditional update)."""
        self.flush_recordset()
        if state:
            self.env.cr.execute(
                SQL(
                    "UPDATE cs_compensation SET write_date = write_date"
                    " WHERE id IN %s AND state = %s RETURNING id",
                    tuple(self.ids),
                    state,
                )
            )
        else:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM cs_compensation WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                    tuple(self.ids),
                )
            )
        if len(self.env.cr.fetchall()) != len(self):
            raise UserError(self.env._("This compensation has already been signed."))

    def _limit_problem(self, user):
        """Why ``user`` may not give this compensation, or False.

        A constant number of queries: the limits, then one grouped sum of
        what the user's authority covered this month, by day.
        """
        self.ensure_one()
        limit = self.env["cs.authority.limit"]._get_effective_limit(
            user, self.compensation_type, self.company_id
        )
        type_name = dict(self._fields["compensation_type"]._description_selection(self.env))[
            self.compensation_type
        ]
        if not limit:
            return self.env._(
                "%(user)s has no authority to give %(type)s.", user=user.name, type=type_name
            )
        rounding = self.currency_id.rounding
        if float_compare(self.amount, limit["per_transaction"], precision_rounding=rounding) > 0:
            return self.env._(
                "%(amount)s is over %(user)s's limit of %(limit)s per %(type)s.",
                amount=self._fmt(self.amount),
                user=user.name,
                limit=self._fmt(limit["per_transaction"]),
                type=type_name,
            )
        if limit["per_day"] is None and limit["per_month"] is None:
            return False
        today = fields.Date.context_today(self.with_user(user))
        month_start = today.replace(day=1)
        spent = self.sudo()._read_group(
            [
                ("authority_user_id", "=", user.id),
                ("compensation_type", "=", self.compensation_type),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "done"),
                ("sign_date", ">=", month_start),
                ("sign_date", "<", month_start + relativedelta(months=1)),
                ("id", "!=", self.id),
            ],
            ["sign_date:day"],
            ["amount:sum"],
        )
        month_total = sum(total for __, total in spent)
        day_total = sum(total for day, total in spent if day == today)
        rounding_check = [
            ("day", limit["per_day"], day_total),
            ("month", limit["per_month"], month_total),
        ]
        for period, cap, total in rounding_check:
            if (
                cap is None
                or float_compare(total + self.amount, cap, precision_rounding=rounding) <= 0
            ):
                continue
            values = {
                "amount": self._fmt(self.amount),
                "user": user.name,
                "total": self._fmt(total + self.amount),
                "type": type_name,
                "limit": self._fmt(cap),
            }
            if period == "day":
                return self.env._(
                    "%(amount)s would bring %(user)s to %(total)s of %(type)s today, "
                    "over their daily limit of %(limit)s.",
                    **values,
                )
            return self.env._(
                "%(amount)s would bring %(user)s to %(total)s of %(type)s this month, "
                "over their monthly limit of %(limit)s.",
                **values,
            )
        return False

    def _fmt(self, amount):
        if self.compensation_type == "points":
            return f"{amount:g}"
        return format_amount(self.env, amount, self.currency_id)

    def _check_leader_covers(self, leader, over_signer=None):
        """Raise unless ``leader`` is a leader whose own limits cover this."""
        self.ensure_one()
        if not leader.has_group("customer_service.group_cs_leader"):
            raise UserError(
                self.env._(
                    "%(user)s is not a company leader and cannot authorise compensation.",
                    user=leader.name,
                )
            )
        problem = self._limit_problem(leader)
        if problem:
            if over_signer:
                problem = f"{over_signer}\n{problem}"
            raise UserError(problem)

    def _may_countersign(self, user, limits=None):
        """The consulted leader, or a leader whose per-transaction limit for
        this type is strictly higher than theirs ("above" them).

        ``limits``: a dict the caller keeps over many calls, so that each
        (user, type, company) limit is looked up once.
        """
        self.ensure_one()
        if user == self.approver_id:
            return True
        if not user.has_group("customer_service.group_cs_leader"):
            return False
        limits = {} if limits is None else limits

        def per_transaction(who):
            key = (who, self.compensation_type, self.company_id)
            if key not in limits:
                limit = self.env["cs.authority.limit"]._get_effective_limit(*key)
                limits[key] = limit and limit["per_transaction"]
            return limits[key]

        mine = per_transaction(user)
        if not mine:
            return False
        theirs = per_transaction(self.approver_id)
        return not theirs or mine > theirs

    # ------------------------------------------------------------------
    # Accounting and points
    # ------------------------------------------------------------------

    def _book(self):
        """Book the compensation: a credit note, a write-off, an expense
        entry, or a points redemption. Called as superuser once signed."""
        self.ensure_one()
        if self.compensation_type == "points":
            self.loyalty_history_id = self.env["loyalty.card"]._cs_redeem_points(self)
            return
        company = self.company_id
        if self.compensation_type in CREDIT_NOTE_TYPES:
            move = self._book_credit_note()
        elif self.compensation_type == "round_off":
            move = self._book_entry(
                company._cs_account("round_off"),
                self._receivable_account(),
                credit_is_receivable=True,
            )
        else:  # gift
            move = self._book_entry(
                company._cs_account("gift"), company._cs_account("gift_counterpart")
            )
        self.move_id = move

    def _receivable_account(self):
        invoice = self.invoice_id
        if invoice:
            return invoice.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )[:1].account_id
        partner = self.partner_id.with_company(self.company_id)
        return partner.property_account_receivable_id

    def _move_ref(self):
        types = dict(self._fields["compensation_type"]._description_selection(self.env))
        return f"{self.name} - {types[self.compensation_type]}"

    def _book_credit_note(self):
        invoice = self.invoice_id
        company = self.company_id
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_refund",
                    "company_id": company.id,
                    "partner_id": (invoice.partner_id or self.partner_id).id,
                    "journal_id": company._cs_journal("credit_note").id,
                    "invoice_date": fields.Date.context_today(self),
                    "currency_id": self.currency_id.id,
                    "reversed_entry_id": invoice.id or False,
                    "ref": self._move_ref(),
                    "cs_compensation_id": self.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": self.description or self._move_ref(),
                                "quantity": 1,
                                "price_unit": self.amount,
                                "account_id": company._cs_account("credit_note").id,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        self._reconcile_with_invoice(move)
        return move

    def _book_entry(self, debit_account, credit_account, credit_is_receivable=False):
        company = self.company_id
        partner = (self.invoice_id.partner_id or self.partner_id).commercial_partner_id
        common = {"partner_id": partner.id, "name": self.description or self._move_ref()}
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "company_id": company.id,
                    "journal_id": company._cs_journal("entry").id,
                    "date": fields.Date.context_today(self),
                    "partner_id": partner.id,
                    "ref": self._move_ref(),
                    "cs_compensation_id": self.id,
                    "line_ids": [
                        Command.create(
                            dict(common, account_id=debit_account.id, debit=self.amount, credit=0.0)
                        ),
                        Command.create(
                            dict(
                                common, account_id=credit_account.id, debit=0.0, credit=self.amount
                            )
                        ),
                    ],
                }
            )
        )
        move.action_post()
        if credit_is_receivable:
            self._reconcile_with_invoice(move)
        return move

    def _reconcile_with_invoice(self, move):
        invoice = self.invoice_id
        if not invoice or invoice.payment_state in ("paid", "in_payment", "reversed"):
            return
        account = self._receivable_account()
        lines = (invoice.line_ids + move.line_ids).filtered(
            lambda line: line.account_id == account and not line.reconciled
        )
        if len(lines) > 1 and not float_is_zero(
            invoice.amount_residual, precision_rounding=self.currency_id.rounding
        ):
            lines.reconcile()

    def _unbook(self):
        """Take back what signing booked: reverse the move, restore points."""
        self.ensure_one()
        if self.move_id:
            reversal = self.move_id._reverse_moves(
                [
                    {
                        "date": fields.Date.context_today(self),
                        "ref": self.env._("Reversal of %(ref)s", ref=self.move_id.ref or ""),
                        "cs_compensation_id": self.id,
                    }
                ],
                cancel=True,
            )
            self.reversal_move_id = reversal
        if self.loyalty_history_id:
            self.env["loyalty.card"]._cs_restore_points(self)

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_escalate_countersign(self):
        """Remind leaders of countersigns left pending too long."""
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_service.countersign_escalation_days", 3)
            or 3
        )
        overdue = self.sudo().search(
            [
                ("state", "=", "done"),
                ("countersign_state", "=", "pending"),
                ("countersign_escalated", "=", False),
                ("signed_at", "<", fields.Datetime.subtract(fields.Datetime.now(), days=days)),
            ]
        )
        if not overdue:
            return
        leaders = {company: company._cs_leaders() for company in overdue.company_id}
        # One limit lookup per leader, type and company, however many are overdue.
        limits = {}
        # countersign_escalated is the key: committed with its batch's reminders.
        for batch in batches(self.env, overdue, size=500):
            for compensation in batch:
                may = leaders[compensation.company_id].filtered(
                    lambda u, c=compensation: c._may_countersign(u, limits)
                )
                # The consulted leader too, unless they have left: no reminder
                # goes to an archived or portal user.
                approver = compensation.approver_id.filtered(lambda u: u.active and not u.share)
                for user in may | approver:
                    compensation.activity_schedule(
                        "mail.mail_activity_data_todo",
                        user_id=user.id,
                        summary=self.env._("Overdue countersign: %(name)s", name=compensation.name),
                        note=compensation.countersign_note,
                    )
            batch.write({"countersign_escalated": True})
