import ast
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.mail.tests.common import MailCase

from .common import CustomerServiceCase

SECRET = "CSTEST-SECRET credit on hold, always suite 808"


@tagged("post_install", "-at_install")
class TestComplaintEmail(CustomerServiceCase, MailCase):
    """R14.1: a guest's email to a company's alias registers a complaint."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._init_mail_gateway()
        cls._init_mail_servers()
        cls.Complaint = cls.env["cs.complaint"]
        cls.company = cls.env.company
        cls.alias = cls.company.cs_complaint_alias_id
        # Whatever domain the database had, the main hotel receives on the test one.
        cls.alias.alias_domain_id = cls.mail_alias_domain
        # A sister hotel with its own email domain, and its own staff.
        cls.domain_2 = cls.env["mail.alias.domain"].create(
            {
                "name": "seaview.example.com",
                "bounce_alias": "bounce.seaview",
                "catchall_alias": "catchall.seaview",
                "default_from": "notifications.seaview",
            }
        )
        cls.company_2 = cls.env["res.company"].create(
            {"name": "CSTEST Sea View Hotel", "alias_domain_id": cls.domain_2.id}
        )
        cls.alias_2 = cls.company_2.cs_complaint_alias_id
        cls.staff_2 = new_test_user(
            cls.env,
            "cs_test_seaview_staff",
            groups="customer_service.group_cs_user",
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
        )

    def _raw_email(self, to, email_from, subject, body, html=False, in_reply_to=None):
        """An email as it comes off the wire: encoded headers, base64 UTF-8 body."""
        email = EmailMessage()
        email["From"] = email_from
        email["To"] = to
        email["Subject"] = subject
        email["Date"] = formatdate()
        email["Message-ID"] = make_msgid(domain="guest.example.com")
        if in_reply_to:
            email["In-Reply-To"] = in_reply_to
            email["References"] = in_reply_to
        email.set_content(body, subtype="html" if html else "plain", charset="utf-8", cte="base64")
        return email.as_bytes()

    def _process(self, raw):
        """Deliver ``raw`` as the incoming mail server does: superuser, no context."""
        thread_id = self.env(context={})["mail.thread"].sudo().message_process(None, raw)
        return self.Complaint.browse(thread_id)

    def _receive(self, email_from, subject, body, alias=None, **kwargs):
        alias = alias or self.alias
        return self._process(
            self._raw_email(alias.display_name, email_from, subject, body, **kwargs)
        )

    @staticmethod
    def _incoming(complaint):
        return complaint.message_ids.filtered(lambda m: m.message_type == "email")

    # ------------------------------------------------------------
    # The aliases
    # ------------------------------------------------------------

    def test_alias_per_company(self):
        """Each company has its alias: made on install, and on creation for new ones."""
        companies = self.env["res.company"].with_context(active_test=False).search([])
        for company in companies:
            alias = company.cs_complaint_alias_id
            self.assertTrue(alias, f"{company.name} has no complaints alias")
            self.assertEqual(alias.alias_model_id.model, "cs.complaint")
            self.assertEqual(ast.literal_eval(alias.alias_defaults), {"company_id": company.id})
            self.assertEqual(alias.alias_contact, "everyone")
        self.assertEqual(self.alias.display_name, "complaints@test.mycompany.com")
        self.assertEqual(self.alias_2.display_name, "complaints@seaview.example.com")

        # A hotel sharing the main hotel's domain gets a name of its own.
        lodge = self.env["res.company"].create(
            {"name": "CSTEST Hill Lodge", "alias_domain_id": self.mail_alias_domain.id}
        )
        self.assertEqual(
            lodge.cs_complaint_alias_id.display_name,
            "complaints-cstest-hill-lodge@test.mycompany.com",
        )

        # The install step only fills gaps: run again, it adds nothing, and an
        # alias the admin switched off (no name) stays off.
        self.alias_2.alias_name = False
        Alias = self.env["mail.alias"]
        domain = [("alias_model_id.model", "=", "cs.complaint")]
        count = Alias.search_count(domain)
        self.env["res.company"]._cs_create_missing_complaint_aliases()
        self.assertEqual(Alias.search_count(domain), count)
        self.assertFalse(self.company_2.cs_complaint_alias_id.alias_name)

    def test_alias_in_settings(self):
        """The admin renames the alias of the current company in Settings."""
        settings = self.env["res.config.settings"].with_company(self.company_2).create({})
        self.assertEqual(settings.cs_complaint_alias_name, "complaints")
        self.assertEqual(settings.cs_complaint_alias_domain_id, self.domain_2)
        settings.cs_complaint_alias_name = "guest-feedback"
        settings.execute()
        self.assertEqual(self.alias_2.display_name, "guest-feedback@seaview.example.com")
        self.assertEqual(self.alias.alias_name, "complaints", "other hotels keep theirs")

    # ------------------------------------------------------------
    # The sender
    # ------------------------------------------------------------

    def test_the_sender_is_found_through_an_index(self):
        # A hotel group has 100,000 guests: finding one by email must not read them all.
        self.env.cr.execute(
            """SELECT 1 FROM pg_indexes
                WHERE tablename = 'res_partner' AND indexdef LIKE '%%(email_normalized)%%'"""
        )
        self.assertTrue(self.env.cr.fetchone())

    def test_known_guest_matched(self):
        """The sender is the guest with an archive, though an older contact has the address.

        Nothing goes back to the guest on arrival, and no email carries the archive.
        """
        older = self.env["res.partner"].create(
            {"name": "CSTEST Li Na (travel agency)", "email": "li.na@example.com"}
        )
        archive = self._create_archive(
            "CSTEST Li Na", level="confidential", note=f"<p>{SECRET}</p>"
        )
        guest = archive.partner_id
        guest.email = "li.na@example.com"

        with self.mock_mail_gateway():
            complaint = self._receive(
                '"Li Na" <Li.Na@example.com>', "Noisy room", "Drilling next door from 7am."
            )

        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.partner_id, guest)
        self.assertNotEqual(complaint.partner_id, older)
        self.assertEqual(
            self.env["res.partner"].search_count([("email_normalized", "=", "li.na@example.com")]),
            2,
            "no contact is created for a known address",
        )
        self.assertEqual(complaint.channel, "email")
        self.assertEqual(complaint.company_id, self.company)
        self.assertEqual(complaint.state, "registered")
        self.assertFalse(complaint.user_id, "the gateway user handles nothing")
        self.assertNotIn(complaint.name, ("/", "Noisy room"), "the reference is a sequence")
        self.assertIn("Noisy room", complaint.description)
        self.assertIn("Drilling next door from 7am.", complaint.description)
        incoming = self._incoming(complaint)
        self.assertEqual(incoming.author_id, guest)
        self.assertEqual(incoming.subject, "Noisy room")
        self.assertIn(guest, complaint.message_partner_ids, "the guest follows the complaint")

        self.assertNotSentEmail(recipients=[guest])
        self.assertFalse(self._new_mails.filtered(lambda mail: guest in mail.recipient_ids))
        for mail in self._mails:
            self.assertNotIn(SECRET, mail["body"])

    def test_unknown_sender_partner_created(self):
        """An unknown address becomes a contact named as in the email (English, HTML)."""
        with self.mock_mail_gateway():
            complaint = self._receive(
                '"Tom Baker" <Tom.Baker@example.org>',
                "Charged twice",
                "<p>I was <b>charged twice</b> for the minibar.</p>",
                html=True,
            )
        guest = complaint.partner_id
        self.assertEqual(guest.name, "Tom Baker")
        self.assertEqual(guest.email_normalized, "tom.baker@example.org")
        self.assertFalse(guest.user_ids)
        self.assertEqual(self._incoming(complaint).author_id, guest)
        self.assertIn("<b>charged twice</b>", complaint.description)
        self.assertIn("Charged twice", complaint.description)
        self.assertIn(guest, complaint.message_partner_ids)

    def test_chinese_email(self):
        """Subject, sender name and body in Chinese: encoded headers, UTF-8 base64 body."""
        subject = "房间空调坏了"
        body = "我们的房间空调整晚都不制冷，前台说会派人来，但一直没有人来。"
        raw = self._raw_email(
            self.alias.display_name, '"张伟" <zhang.wei@example.cn>', subject, body
        )
        self.assertIn(b"=?utf-8?", raw, "the headers are RFC 2047 encoded words")
        self.assertNotIn(subject.encode(), raw)
        self.assertNotIn(body.encode(), raw)

        with self.mock_mail_gateway():
            complaint = self._process(raw)

        self.assertEqual(complaint.partner_id.name, "张伟")
        self.assertEqual(complaint.partner_id.email_normalized, "zhang.wei@example.cn")
        self.assertEqual(complaint.channel, "email")
        self.assertIn(subject, complaint.description)
        self.assertIn(body, complaint.description)
        self.assertEqual(self._incoming(complaint).subject, subject)

    def test_empty_email(self):
        """An email with neither subject nor text still registers, with a placeholder."""
        with self.mock_mail_gateway():
            complaint = self._receive("guest.photo@example.com", "", "")
        self.assertEqual(complaint.channel, "email")
        self.assertIn("no text", complaint.description)

    # ------------------------------------------------------------
    # Companies, SLA, the conversation
    # ------------------------------------------------------------

    def test_company_of_alias(self):
        """Each hotel's alias registers complaints of that hotel, for its own guest."""
        partner_1 = self._create_archive("CSTEST Wang Fang").partner_id
        partner_2 = self.env["res.partner"].create({"name": "CSTEST Wang Fang (Sea View)"})
        self.Archive.with_company(self.company_2).create(
            {
                "partner_id": partner_2.id,
                "company_id": self.company_2.id,
                "owner_id": self.staff_2.id,
                "confidentiality_level": "secret",
            }
        )
        (partner_1 | partner_2).email = "wang.fang@example.com"
        sender = '"Wang Fang" <wang.fang@example.com>'

        with self.mock_mail_gateway():
            at_sea_view = self._receive(sender, "Pool closed", "The pool was closed.", self.alias_2)
            at_main = self._receive(sender, "Late breakfast", "Breakfast came late.")

        self.assertEqual(at_sea_view.company_id, self.company_2)
        self.assertEqual(at_sea_view.partner_id, partner_2)
        self.assertEqual(at_main.company_id, self.company)
        self.assertEqual(at_main.partner_id, partner_1)
        self.assertEqual(
            at_sea_view.with_user(self.staff_2).partner_id, partner_2, "its staff sees it"
        )

    @freeze_time("2026-03-02 09:00:00")
    def test_response_deadline(self):
        """The first-response deadline runs from arrival, as for any complaint."""
        with self.mock_mail_gateway():
            complaint = self._receive("guest.sla@example.com", "Dirty towels", "Still dirty.")
        self.assertEqual(complaint.complaint_date, datetime(2026, 3, 2, 9, 0))
        self.assertEqual(complaint.response_deadline, datetime(2026, 3, 4, 9, 0))
        self.assertEqual(complaint.sla_status, "on_time")
        self.assertFalse(complaint.first_response_date)

    def test_reply_lands_in_chatter(self):
        """Staff's messages reach the guest, notes do not; the reply joins the chatter."""
        with self.mock_mail_gateway():
            complaint = self._receive(
                '"Chen Jie" <chen.jie@example.com>', "Cold soup", "The soup was cold."
            )
        guest = complaint.partner_id
        staff_complaint = complaint.with_env(self.env(user=self.users["staff"], context={}))
        with self.mock_mail_gateway():
            answer = staff_complaint.message_post(
                body="We are sorry: may we call you this evening?",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            note = staff_complaint.message_post(
                body="Internal: the kitchen pass was understaffed.",
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        mail = self._find_mail_mail_wpartners(guest, None, mail_message=answer)
        self.assertNoMail(guest, mail_message=note)

        with self.mock_mail_gateway():
            replied = self._process(
                self._raw_email(
                    mail.reply_to,
                    '"Chen Jie" <chen.jie@example.com>',
                    "Re: Cold soup",
                    "Yes, after 7pm please.",
                    in_reply_to=mail.message_id,
                )
            )
        self.assertEqual(replied, complaint)
        self.assertEqual(
            self.Complaint.search_count([("partner_id", "=", guest.id)]), 1, "no new complaint"
        )
        reply = self._incoming(complaint).filtered(lambda m: m.subject == "Re: Cold soup")
        self.assertEqual(reply.author_id, guest)
        self.assertIn("Yes, after 7pm please.", reply.body)

    def test_leader_report_stays_internal(self):
        """The written report of a major complaint goes to the leaders, not the guest."""
        with self.mock_mail_gateway():
            complaint = self._receive("guest.major@example.com", "Food poisoning", "I was ill.")
        complaint.severity = "major"
        with self.mock_mail_gateway():
            complaint.with_env(self.env(context={}))._send_leader_report()
        report = complaint.message_ids.filtered("attachment_ids")
        self.assertNoMail(complaint.partner_id, mail_message=report)
        self.assertTrue(report.subtype_id.internal)
        self.assertIn(self.users["leader"].partner_id, report.partner_ids)

    # ------------------------------------------------------------
    # Security
    # ------------------------------------------------------------

    def test_message_new_needs_cs_staff(self):
        """Outside the gateway, message_new is held to create's rules: CS staff only."""
        msg_dict = {
            "email_from": "intruder@example.com",
            "subject": "Probe",
            "body": "<p>Which guests have an archive?</p>",
        }
        for role in ("internal", "liaison", "finance"):
            with self.assertRaises(UserError):
                self.Complaint.with_user(self.users[role]).message_new(dict(msg_dict))
        self.assertFalse(
            self.env["res.partner"].search([("email_normalized", "=", "intruder@example.com")])
        )
