import logging
from contextvars import ContextVar
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import (
    email_normalize,
    format_datetime,
    html2plaintext,
    is_html_empty,
    plaintext2html,
)

from ..cron import batches
from .cs_contact_log import CHANNELS

_logger = logging.getLogger(__name__)

COMPLAINT_STATES = [
    ("registered", "Registered"),
    ("judged", "Judged Valid"),
    ("investigating", "Investigating"),
    ("proposed", "Solutions Proposed"),
    ("approved", "Solution Approved"),
    ("implementing", "Implementing"),
    ("followed_up", "Followed Up"),
    ("closed", "Closed"),
    ("invalid", "Closed as Invalid"),
]
DONE_STATES = ("closed", "invalid")
SLA_STATUSES = [
    ("on_time", "On Time"),
    ("at_risk", "At Risk"),
    ("overdue", "Overdue"),
]
CONFIRMATION_METHODS = [
    ("signature", "Signature"),
    ("in_person", "In Person"),
    ("phone", "By Phone"),
    ("written", "In Writing"),
]
# Written only by the workflow's own action_* methods: a client writing
# ``state`` or ``solution_id`` directly would skip the steps of R14. Over RPC
# the context belongs to the client, so the workflow marks its own writes with
# a ContextVar that no client can set.
WORKFLOW_FIELDS = frozenset(
    {
        "state",
        "validity",
        "judged_by_id",
        "judged_date",
        "first_response_date",
        "solution_id",
        "guest_confirmed_date",
        "guest_confirmed_by_id",
        "closed_date",
        "escalated_date",
        "leader_report_date",
    }
)
# What the guest said and what was found stay as they were once closed.
LOCKED_WHEN_DONE = frozenset(
    {
        "partner_id",
        "description",
        "channel",
        "severity",
        "category_id",
        "complaint_date",
        "cause",
        "department_id",
        "responsible_person",
        "guest_signature",
        "guest_response",
        "confirmation_method",
        "follow_up_log_id",
        "company_id",
    }
)
# The last quarter of the response window counts as "at risk".
AT_RISK_SHARE = 0.25
ACTIVITY_RESPONSE = "customer_service.mail_activity_type_complaint_response"
ACTIVITY_ESCALATION = "customer_service.mail_activity_type_complaint_escalation"
ACTIVITY_LEADER_REPORT = "customer_service.mail_activity_type_complaint_leader_report"
GROUP_USER = "customer_service.group_cs_user"
GROUP_MANAGER = "customer_service.group_cs_manager"

_WORKFLOW = ContextVar("cs_complaint_workflow", default=False)


class CsComplaint(models.Model):
    """A guest complaint, through the hotel's seven steps (R3, R5, R14).

    registered → judged (valid) or invalid (closed with a polite reply) →
    investigating → solutions proposed → solution approved (a manager picks
    one of the solutions through tier validation) → implementing (the guest
    confirms) → followed up (a follow-up contact record) → closed.

    Every step is an ``action_*`` method that checks the caller's group and
    the current state: the buttons are only a convenience. The first response
    is due ``customer_service.complaint_response_hours`` after registration;
    a cron escalates the overdue ones to the CS managers.

    The follow-up is a Many2one to the contact record (``follow_up_log_id``)
    and not a back-link from ``cs.contact.log``: the complaint is what needs
    the proof before it closes, one call closes one loop, and the contact
    record model stays owned by the callback feature.
    """

    _name = "cs.complaint"
    _description = "Guest Complaint"
    _order = "create_date desc, id desc"
    _inherit = ["mail.activity.mixin", "cs.guest.rating.mixin"]
    _cs_rating_template = "customer_service.mail_template_cs_complaint_rating"
    _check_company_auto = True

    # --- registration (R14.1)
    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Guest",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    description = fields.Html(required=True, sanitize_style=True)
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    severity = fields.Selection(
        [("normal", "Normal"), ("major", "Major")], required=True, default="normal", tracking=True
    )
    category_id = fields.Many2one(
        "cs.complaint.category", ondelete="restrict", index=True, tracking=True
    )
    state = fields.Selection(
        COMPLAINT_STATES,
        required=True,
        default="registered",
        tracking=True,
        index=True,
        copy=False,
        readonly=True,
    )
    complaint_date = fields.Datetime(
        string="Complained On", required=True, default=fields.Datetime.now, tracking=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Handled By",
        default=lambda self: self.env.user,
        ondelete="set null",
        index=True,
        tracking=True,
        domain=lambda self: [("all_group_ids", "in", self.env.ref(GROUP_USER).ids)],
        help="The CS staff member who answers the guest; gets the first-response activity.",
    )
    compensation_ids = fields.One2many("cs.compensation", "complaint_id", readonly=True)
    contact_log_id = fields.Many2one(
        "cs.contact.log",
        string="Raised From",
        ondelete="set null",
        index="btree_not_null",
        check_company=True,
        copy=False,
        help="The dissatisfied contact record the complaint came from.",
    )
    supervision_id = fields.Many2one(
        "cs.supervision",
        string="On-site Supervision",
        ondelete="set null",
        index="btree_not_null",
        check_company=True,
        help="The on-site supervision round where the guest complained.",
    )

    # --- first response and SLA (R14: within 48 hours)
    response_deadline = fields.Datetime(
        compute="_compute_response_deadline", store=True, index=True, copy=False
    )
    first_response_date = fields.Datetime(readonly=True, copy=False, tracking=True)
    sla_risk_date = fields.Datetime(
        compute="_compute_sla_risk_date",
        store=True,
        copy=False,
        help="From this moment an unanswered complaint is at risk of missing its deadline.",
    )
    response_late = fields.Boolean(compute="_compute_response_late", store=True, copy=False)
    sla_status = fields.Selection(
        SLA_STATUSES,
        string="SLA",
        compute="_compute_sla_status",
        search="_search_sla_status",
    )
    escalated_date = fields.Datetime(readonly=True, copy=False)

    # --- judgement (R14.2)
    validity = fields.Selection(
        [("valid", "Valid"), ("invalid", "Invalid")], readonly=True, copy=False, tracking=True
    )
    judgement_note = fields.Text(help="Why the complaint is judged valid or invalid.")
    judged_by_id = fields.Many2one("res.users", readonly=True, copy=False, ondelete="set null")
    judged_date = fields.Datetime(readonly=True, copy=False)

    # --- investigation (R14.3)
    cause = fields.Html()
    department_id = fields.Many2one(
        "cs.service.department",
        string="Responsible Department",
        ondelete="restrict",
        index="btree_not_null",
        tracking=True,
    )
    responsible_person = fields.Char(
        help="Who was responsible in that department. Staff outside Odoo are named here too."
    )

    # --- solutions (R14.4)
    solution_ids = fields.One2many("cs.complaint.solution", "complaint_id", string="Solutions")
    solution_id = fields.Many2one(
        "cs.complaint.solution",
        string="Approved Solution",
        readonly=True,
        copy=False,
        ondelete="restrict",
        tracking=True,
    )
    solution_count = fields.Integer(compute="_compute_solution_count")

    # --- implementation and guest confirmation (R14.5)
    confirmation_method = fields.Selection(CONFIRMATION_METHODS)
    guest_signature = fields.Binary(copy=False, attachment=True)
    guest_response = fields.Text(
        copy=False, help="What the guest said about the solution, in their words."
    )
    guest_confirmed_date = fields.Datetime(readonly=True, copy=False, tracking=True)
    guest_confirmed_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, ondelete="set null"
    )

    # --- follow-up and closing (R14.6, R14.7)
    follow_up_log_id = fields.Many2one(
        "cs.contact.log",
        string="Follow-up Record",
        ondelete="set null",
        index="btree_not_null",
        check_company=True,
        copy=False,
        tracking=True,
        domain="[('partner_id', '=', partner_id), ('contact_type', '=', 'complaint_follow_up')]",
    )
    closed_date = fields.Datetime(readonly=True, copy=False)
    leader_report_date = fields.Datetime(
        string="Reported to Leaders", readonly=True, copy=False, tracking=True
    )

    # ------------------------------------------------------------
    # Computes and searches
    # ------------------------------------------------------------

    @api.depends("complaint_date")
    def _compute_response_deadline(self):
        hours = self._response_hours()
        for complaint in self:
            date = complaint.complaint_date
            complaint.response_deadline = date and date + timedelta(hours=hours)

    @api.depends("complaint_date", "response_deadline")
    def _compute_sla_risk_date(self):
        for complaint in self:
            start, deadline = complaint.complaint_date, complaint.response_deadline
            complaint.sla_risk_date = (
                start and deadline and deadline - (deadline - start) * AT_RISK_SHARE
            )

    @api.depends("first_response_date", "response_deadline")
    def _compute_response_late(self):
        for complaint in self:
            complaint.response_late = bool(
                complaint.first_response_date
                and complaint.response_deadline
                and complaint.first_response_date > complaint.response_deadline
            )

    @api.depends("first_response_date", "response_deadline", "sla_risk_date", "response_late")
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        for complaint in self:
            if complaint.first_response_date:
                status = "overdue" if complaint.response_late else "on_time"
            elif complaint.response_deadline and complaint.response_deadline < now:
                status = "overdue"
            elif complaint.sla_risk_date and complaint.sla_risk_date <= now:
                status = "at_risk"
            else:
                status = "on_time"
            complaint.sla_status = status

    def _search_sla_status(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        now = fields.Datetime.now()
        pending = Domain("first_response_date", "=", False)
        answered = Domain("first_response_date", "!=", False)
        by_status = {
            "overdue": (pending & Domain("response_deadline", "<", now))
            | (answered & Domain("response_late", "=", True)),
            "at_risk": pending
            & Domain("response_deadline", ">=", now)
            & Domain("sla_risk_date", "<=", now),
            "on_time": (answered & Domain("response_late", "=", False))
            | (pending & Domain("sla_risk_date", ">", now)),
        }
        domain = Domain.OR(by_status[status] for status in value if status in by_status)
        return ~domain if operator == "not in" else domain

    @api.depends("solution_ids")
    def _compute_solution_count(self):
        for complaint in self:
            complaint.solution_count = len(complaint.solution_ids)

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("description")
    def _check_description(self):
        if any(is_html_empty(complaint.description) for complaint in self):
            raise ValidationError(self._msg_empty_description())

    @api.constrains("follow_up_log_id", "partner_id", "company_id")
    def _check_follow_up_log(self):
        for complaint in self.filtered("follow_up_log_id"):
            complaint._check_follow_up_log_fits(complaint.follow_up_log_id)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_user_group(GROUP_USER)
        for vals in vals_list:
            # Checked before the insert, for a clear message on every client.
            if "description" not in vals or is_html_empty(vals["description"]):
                raise ValidationError(self._msg_empty_description())
            forbidden = WORKFLOW_FIELDS.intersection(vals) - {"state"}
            if forbidden or vals.get("state", "registered") != "registered":
                raise UserError(
                    self.env._("A complaint is always registered first; its steps follow.")
                )
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("cs.complaint") or "/"
        complaints = super().create(vals_list)
        complaints._schedule_response_activity()
        return complaints

    def write(self, vals):
        if not _WORKFLOW.get():
            if WORKFLOW_FIELDS.intersection(vals):
                raise UserError(
                    self.env._(
                        "The state of a complaint moves only through its steps "
                        "(judge, investigate, propose, approve, implement, follow up, close)."
                    )
                )
            if LOCKED_WHEN_DONE.intersection(vals) and any(
                complaint.state in DONE_STATES for complaint in self
            ):
                raise UserError(self.env._("A closed complaint can no longer be changed."))
            if "description" in vals and is_html_empty(vals["description"]):
                raise ValidationError(self._msg_empty_description())
        result = super().write(vals)
        if "user_id" in vals:
            self._reassign_response_activity()
        return result

    def unlink(self):
        if self.env.su:
            return super().unlink()
        if not self.env.user.has_group(GROUP_MANAGER) or any(
            complaint.state != "registered" for complaint in self
        ):
            raise UserError(
                self.env._(
                    "Complaints are kept: only a manager may delete one, "
                    "and only while it is still just registered."
                )
            )
        return super().unlink()

    # ------------------------------------------------------------
    # Actions: the steps of R14
    # ------------------------------------------------------------

    def action_judge_valid(self):
        """Step 2: the complaint is valid; it will be investigated."""
        self._check_step(GROUP_USER, ("registered",))
        now = fields.Datetime.now()
        self._transition(
            {
                "state": "judged",
                "validity": "valid",
                "judged_by_id": self.env.uid,
                "judged_date": now,
            }
        )
        self._record_first_response(now)
        return True

    def action_judge_invalid(self):
        """Step 2: the complaint is not valid; it is closed with a polite reply."""
        self._check_step(GROUP_USER, ("registered",))
        missing = self.filtered(lambda c: not (c.judgement_note or "").strip())
        if missing:
            raise UserError(
                self.env._(
                    "Write down why %(refs)s is not a valid complaint before closing it.",
                    refs=", ".join(missing.mapped("name")),
                )
            )
        now = fields.Datetime.now()
        self._transition(
            {
                "state": "invalid",
                "validity": "invalid",
                "judged_by_id": self.env.uid,
                "judged_date": now,
                "closed_date": now,
            }
        )
        self._record_first_response(now)
        self._send_invalid_reply()
        return True

    def action_start_investigation(self):
        """Step 3 begins: look for the cause, the department and the person."""
        self._check_step(GROUP_USER, ("judged",))
        self._transition({"state": "investigating"})
        return True

    def action_propose_solutions(self):
        """Step 4: submit the drafted solutions; a manager will pick one."""
        self._check_step(GROUP_USER, ("investigating",))
        for complaint in self:
            missing = []
            if is_html_empty(complaint.cause):
                missing.append(self.env._("the cause"))
            if not complaint.department_id:
                missing.append(self.env._("the responsible department"))
            if missing:
                raise UserError(
                    self.env._(
                        "Finish the investigation of %(ref)s first: %(missing)s.",
                        ref=complaint.name,
                        missing=", ".join(missing),
                    )
                )
            if not complaint.solution_ids.filtered(lambda s: s.state == "draft"):
                raise UserError(
                    self.env._("Propose at least one solution for %(ref)s.", ref=complaint.name)
                )
        self._transition({"state": "proposed"})
        self.solution_ids.filtered(lambda s: s.state == "draft").action_submit()
        for complaint in self:
            complaint.message_post(
                body=self.env._(
                    "%(count)s solution(s) proposed: a CS manager picks one.",
                    count=len(complaint.solution_ids.filtered(lambda s: s.state == "submitted")),
                ),
                partner_ids=complaint.company_id._cs_managers().partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_start_implementation(self):
        """Step 5 begins: the approved solution is carried out."""
        self._check_step(GROUP_USER, ("approved",))
        self._transition({"state": "implementing"})
        return True

    def action_guest_confirm(self):
        """Step 5: the guest confirms, by signing or in a recorded confirmation."""
        self._check_step(GROUP_USER, ("implementing",))
        for complaint in self:
            method = complaint.confirmation_method or (complaint.guest_signature and "signature")
            if not method:
                raise UserError(
                    self.env._(
                        "Choose how the guest confirmed %(ref)s: a signature or a "
                        "confirmation in person, by phone or in writing.",
                        ref=complaint.name,
                    )
                )
            if method == "signature" and not complaint.guest_signature:
                raise UserError(
                    self.env._("The guest has not signed %(ref)s yet.", ref=complaint.name)
                )
            if method != "signature" and not (complaint.guest_response or "").strip():
                raise UserError(
                    self.env._(
                        "Write down the guest's confirmation of %(ref)s in their words.",
                        ref=complaint.name,
                    )
                )
            if method != complaint.confirmation_method:
                complaint.confirmation_method = method
        self._transition(
            {"guest_confirmed_date": fields.Datetime.now(), "guest_confirmed_by_id": self.env.uid}
        )
        return True

    def action_open_follow_up_wizard(self):
        """Record the follow-up call from the complaint (step 6)."""
        self.ensure_one()
        self._check_step(GROUP_USER, ("implementing",))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Follow-up Call"),
            "res_model": "cs.complaint.follow.up.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_id": self.id},
        }

    def action_follow_up(self):
        """Step 6: the guest was called back about the solution."""
        self._check_step(GROUP_USER, ("implementing",))
        for complaint in self:
            if not complaint.guest_confirmed_date:
                raise UserError(
                    self.env._(
                        "The guest must confirm the solution of %(ref)s before the follow-up.",
                        ref=complaint.name,
                    )
                )
            complaint._check_has_follow_up()
        self._transition({"state": "followed_up"})
        return True

    def action_close(self):
        """Step 7: close. A major complaint is then reported to the leaders."""
        self._check_step(GROUP_USER, ("followed_up",))
        for complaint in self:
            complaint._check_has_follow_up()
        self._transition({"state": "closed", "closed_date": fields.Datetime.now()})
        self._cs_request_ratings()
        major = self.filtered(lambda c: c.severity == "major" and not c.leader_report_date)
        if major:
            major._send_leader_report()
        return True

    def _cs_rating_owner(self):
        return self.user_id

    def action_report_to_leaders(self):
        """Send the written report of a major complaint to the leaders now (R14)."""
        self._check_user_group(GROUP_USER)
        not_major = self.filtered(lambda c: c.severity != "major")
        if not_major:
            raise UserError(
                self.env._(
                    "Only major complaints are reported to the leaders: %(refs)s is not.",
                    refs=", ".join(not_major.mapped("name")),
                )
            )
        early = self.filtered(lambda c: c.state in ("registered", "judged", "invalid"))
        if early:
            raise UserError(
                self.env._(
                    "Investigate %(refs)s before reporting it to the leaders.",
                    refs=", ".join(early.mapped("name")),
                )
            )
        self._send_leader_report()
        return True

    def action_compensate(self):
        """R5: appease the guest on the company's behalf, from the complaint."""
        self.ensure_one()
        self.env["cs.compensation"].check_access("create")
        if self.state not in ("approved", "implementing", "followed_up"):
            raise UserError(
                self.env._("Compensate a guest once the complaint's solution is approved.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Compensation"),
            "res_model": "cs.compensation",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_partner_id": self.partner_id.id,
                "default_complaint_id": self.id,
                "default_company_id": self.company_id.id,
            },
        }

    def action_view_compensations(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Compensation"),
            "res_model": "cs.compensation",
            "view_mode": "list,form",
            "domain": [("complaint_id", "=", self.id)],
            "context": {"default_complaint_id": self.id, "default_partner_id": self.partner_id.id},
        }

    def action_view_solutions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Solutions"),
            "res_model": "cs.complaint.solution",
            "view_mode": "list,form",
            "domain": [("complaint_id", "=", self.id)],
            "context": {"default_complaint_id": self.id},
        }

    # ------------------------------------------------------------
    # Raising a complaint from elsewhere
    # ------------------------------------------------------------

    @api.model
    def _prepare_from_contact_log(self, log):
        """Create values for a complaint voiced in a dissatisfied contact record."""
        log.ensure_one()
        if log.satisfaction != "dissatisfied":
            raise UserError(
                self.env._(
                    "Only a dissatisfied guest's contact record becomes a complaint: "
                    "%(log)s is not marked dissatisfied.",
                    log=log.display_name,
                )
            )
        if not (log.feedback or "").strip():
            raise UserError(
                self.env._(
                    "Write down what the guest said in %(log)s before raising a complaint.",
                    log=log.display_name,
                )
            )
        return {
            "partner_id": log.partner_id.id,
            "company_id": log.company_id.id,
            "description": plaintext2html(log.feedback),
            "channel": log.channel,
            "complaint_date": log.contact_date,
            "contact_log_id": log.id,
        }

    @api.model
    def action_create_from_contact_logs(self, logs):
        """Raise a complaint for each dissatisfied contact record.

        ``logs`` is a recordset or a list of ids (over RPC). A record that
        already raised a complaint is not raised twice: its complaint is
        returned with the new ones. Everything is checked before anything is
        created.
        """
        self._check_user_group(GROUP_USER)
        if isinstance(logs, models.BaseModel):
            logs = logs.ids
        logs = self.env["cs.contact.log"].browse(logs).exists()
        if not logs:
            raise UserError(self.env._("Select the contact records to raise complaints from."))
        logs.check_access("read")
        existing = self.search([("contact_log_id", "in", logs.ids)])
        new_logs = logs - existing.contact_log_id
        vals_list = [self._prepare_from_contact_log(log) for log in new_logs]
        complaints = existing | self.create(vals_list)
        return complaints._action_open()

    # ------------------------------------------------------------
    # Mail gateway: complaints by email
    # ------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """Register a complaint from a guest's email to a company's alias.

        The mail gateway runs this as superuser, with the alias's defaults
        (its company) in ``custom_values``; anyone else must be CS staff, as
        for any new complaint. The sender becomes the guest (see
        ``_cs_partner_from_email``), the author of the email in the chatter
        and a follower, so that the staff's replies reach them; replies to
        those land in the chatter through the standard ``message_update``.
        The reference comes from the sequence, not from the subject, which
        heads the description instead. Nobody is assigned: like project tasks
        and applicants, the gateway user handles nothing. The response
        deadline starts at registration, as for every complaint.
        """
        self._check_user_group(GROUP_USER)
        values = dict(custom_values or {})
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        partner = self._cs_partner_from_email(msg_dict.get("email_from"), company)
        if partner:
            msg_dict["author_id"] = partner.id
        defaults = {
            "name": "/",
            "company_id": company.id,
            "partner_id": partner.id,
            "channel": "email",
            "description": self._cs_description_from_email(msg_dict),
            "user_id": False,
        }
        complaint = super().message_new(msg_dict, custom_values=defaults | values)
        complaint.message_subscribe(partner_ids=complaint.partner_id.ids)
        return complaint

    @api.model
    def _cs_partner_from_email(self, email_from, company):
        """The guest who sent ``email_from`` to ``company``.

        A partner of that address with a guest archive in the company comes
        first, then Odoo's usual choice among the partners of that address,
        else a new partner from the email's name and address. Partners of
        another company are left out: the complaint could not take them.
        """
        Partner = self.env["res.partner"]
        if not email_from:
            return Partner

        def usable(partner):
            return not partner.company_id or partner.company_id == company

        email = email_normalize(email_from)
        if email:
            archived = (
                self.env["cs.guest.archive"]
                .search(
                    [("company_id", "=", company.id), ("partner_id.email_normalized", "=", email)]
                )
                .partner_id.filtered(usable)
            )
            if archived:
                partner = self._partner_find_from_emails_single(
                    [email_from], filter_found=lambda p: p in archived, no_create=True
                )
                if partner:
                    return partner
        return self._partner_find_from_emails_single([email_from], filter_found=usable)

    @api.model
    def _cs_description_from_email(self, msg_dict):
        """The email's subject as a heading over its body, as sanitized HTML."""
        subject = (msg_dict.get("subject") or "").strip()
        body = msg_dict.get("body") or ""
        parts = []
        if subject:
            parts.append(Markup("<p><strong>%s</strong></p>") % subject)
        # An empty plain-text email parses as "<pre>\n</pre>", not empty to is_html_empty.
        if html2plaintext(body).strip():
            # The gateway's parsed HTML; the field sanitizes it on write.
            parts.append(Markup(body))
        if not parts:
            parts.append(
                Markup("<p>%s</p>")
                % self.env._("The guest's email has no text: see its attachments in the chatter.")
            )
        return Markup().join(parts)

    # ------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------

    @api.model
    def _cron_escalate_overdue(self):
        """Escalate unanswered complaints past their deadline to the CS managers.

        Each complaint is escalated once (``escalated_date``): a message that
        notifies the managers and one activity for each of them.
        """
        overdue = self.sudo().search(
            [
                ("state", "=", "registered"),
                ("first_response_date", "=", False),
                ("response_deadline", "<", fields.Datetime.now()),
                ("escalated_date", "=", False),
            ]
        )
        if not overdue:
            return 0
        managers_by_company = {company: company._cs_managers() for company in overdue.company_id}
        for batch in batches(self.env, overdue, size=500):
            self._escalate_batch(batch, managers_by_company)
        return len(overdue)

    @api.model
    def _escalate_batch(self, overdue, managers_by_company):
        # escalated_date is the key: it is committed with the batch's messages.
        for complaint in overdue:
            managers = managers_by_company[complaint.company_id]
            body = self.env._(
                "No first response by the deadline (%(deadline)s): escalated to the CS managers.",
                deadline=format_datetime(
                    self.env, complaint.response_deadline, tz=complaint.user_id.tz or "UTC"
                ),
            )
            complaint.message_post(
                body=body,
                partner_ids=managers.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
            for manager in managers:
                complaint.activity_schedule(
                    ACTIVITY_ESCALATION,
                    date_deadline=fields.Date.context_today(complaint),
                    user_id=manager.id,
                    note=body,
                )
        overdue.with_context(tracking_disable=True)._transition(
            {"escalated_date": fields.Datetime.now()}
        )

    # ------------------------------------------------------------
    # Private
    # ------------------------------------------------------------

    def _transition(self, vals):
        token = _WORKFLOW.set(True)
        try:
            return self.write(vals)
        finally:
            _WORKFLOW.reset(token)

    def _check_user_group(self, xmlid):
        if not self.env.su and not self.env.user.has_group(xmlid):
            group = self.env.ref(xmlid)
            raise UserError(
                self.env._("Only %(group)s may do this with complaints.", group=group.display_name)
            )

    def _check_step(self, group_xmlid, states):
        """Raise unless the user has the group and every complaint is in ``states``."""
        self._check_user_group(group_xmlid)
        if not self:
            raise UserError(self.env._("Select a complaint first."))
        labels = dict(self._fields["state"]._description_selection(self.env))
        for complaint in self:
            if complaint.state not in states:
                raise UserError(
                    self.env._(
                        "%(ref)s is %(state)s: this step needs it to be %(expected)s. "
                        "Complaint steps cannot be skipped.",
                        ref=complaint.name,
                        state=labels.get(complaint.state, complaint.state),
                        expected=self.env._(" or ").join(labels[s] for s in states),
                    )
                )

    def _on_solution_approved(self, solution):
        """A manager picked ``solution`` through tier validation (step 4)."""
        self.ensure_one()
        if self.state != "proposed":
            raise UserError(
                self.env._("%(ref)s is not waiting for a solution to be approved.", ref=self.name)
            )
        others = self.solution_ids.filtered(
            lambda s: s != solution and s.state in ("draft", "submitted")
        )
        if others:
            others.action_cancel()
        self._transition({"state": "approved", "solution_id": solution.id})
        self.message_post(
            body=self.env._(
                "Solution approved by %(user)s: %(solution)s",
                user=self.env.user.name,
                solution=solution.name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _on_solution_rejected(self):
        """Every proposed solution was rejected: back to the investigation."""
        for complaint in self.filtered(lambda c: c.state == "proposed"):
            if not complaint.solution_ids.filtered(lambda s: s.state in ("submitted", "approved")):
                complaint._transition({"state": "investigating"})
                complaint.message_post(
                    body=self.env._("Every proposed solution was rejected: propose new ones."),
                    subtype_xmlid="mail.mt_note",
                )

    def _check_has_follow_up(self):
        self.ensure_one()
        if not self.follow_up_log_id:
            raise UserError(
                self.env._(
                    "Call the guest back about %(ref)s and record it as a complaint "
                    "follow-up before going on.",
                    ref=self.name,
                )
            )
        self._check_follow_up_log_fits(self.follow_up_log_id)

    def _check_follow_up_log_fits(self, log):
        self.ensure_one()
        if (
            log.contact_type != "complaint_follow_up"
            or log.partner_id.commercial_partner_id != self.partner_id.commercial_partner_id
        ):
            raise ValidationError(
                self.env._(
                    "The follow-up of %(ref)s must be a complaint follow-up contact "
                    "record with the same guest.",
                    ref=self.name,
                )
            )

    @api.model
    def _msg_empty_description(self):
        return self.env._("Describe the complaint: what happened, in the guest's words.")

    @api.model
    def _response_hours(self):
        param = self.env["ir.config_parameter"].sudo().get_param
        try:
            hours = int(param("customer_service.complaint_response_hours", 48) or 48)
        except ValueError:
            hours = 48
        return hours if hours > 0 else 48

    def _schedule_response_activity(self):
        for complaint in self.filtered("user_id"):
            complaint.activity_schedule(
                ACTIVITY_RESPONSE,
                date_deadline=fields.Date.context_today(complaint, complaint.response_deadline),
                user_id=complaint.user_id.id,
            )

    def _reassign_response_activity(self):
        for complaint in self.filtered(lambda c: c.state == "registered"):
            if complaint.user_id:
                complaint.activity_reschedule([ACTIVITY_RESPONSE], new_user_id=complaint.user_id.id)
                if not complaint.activity_ids.filtered(
                    lambda a: a.activity_type_id == self.env.ref(ACTIVITY_RESPONSE)
                ):
                    complaint._schedule_response_activity()

    def _record_first_response(self, when):
        """The complaint left "registered": its first response is given."""
        first = self.filtered(lambda c: not c.first_response_date)
        first._transition({"first_response_date": when})
        self.activity_feedback([ACTIVITY_RESPONSE])

    def _send_invalid_reply(self):
        """Answer politely, in the guest's language, from the shipped template."""
        template = self.env.ref("customer_service.mail_template_cs_complaint_invalid")
        for complaint in self:
            if not complaint.partner_id.email:
                complaint.message_post(
                    body=self.env._(
                        "The guest has no email address: answer them by phone or in person."
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            # Queued rather than sent inside the click: SMTP must not block the user.
            complaint.with_context(mail_notify_force_send=False).message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    def _render_leader_report(self):
        """The major-complaint report as (content, extension): PDF, or HTML
        where the server has no wkhtmltopdf."""
        self.ensure_one()
        report = self.env["ir.actions.report"]
        ref = "customer_service.cs_complaint_report_major"
        try:
            content, extension = report._render_qweb_pdf(ref, self.ids)
        except UserError:
            _logger.warning("No PDF engine: the major complaint report is sent as HTML.")
            content, extension = report._render_qweb_html(ref, self.ids)
        return content, extension

    def _send_leader_report(self):
        """Post the written report to the leaders, with an activity for each (R14)."""
        for complaint in self:
            leaders = complaint.company_id._cs_leaders()
            content, extension = complaint._render_leader_report()
            filename = f"{complaint.name}.{extension}"
            # A note: it reaches the leaders named here and never the guest,
            # who follows complaints that came by email.
            complaint.message_post(
                body=self.env._(
                    "Written report of the major complaint %(ref)s for the company leaders.",
                    ref=complaint.name,
                ),
                attachments=[(filename, content)],
                partner_ids=leaders.partner_id.ids,
                subtype_xmlid="mail.mt_note",
                message_type="comment",
            )
            for leader in leaders:
                complaint.activity_schedule(
                    ACTIVITY_LEADER_REPORT,
                    date_deadline=fields.Date.context_today(complaint),
                    user_id=leader.id,
                )
        self._transition({"leader_report_date": fields.Datetime.now()})

    def _action_open(self):
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Complaints"),
            "res_model": "cs.complaint",
        }
        if len(self) == 1:
            return action | {"view_mode": "form", "res_id": self.id, "views": [(False, "form")]}
        return action | {
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.ids)],
        }
