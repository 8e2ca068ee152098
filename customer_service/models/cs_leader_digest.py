from datetime import datetime, time, timedelta

from odoo import api, fields, models

from ..cron import batches

# The digest lists at most this many opinions: it is read on a phone.
DIGEST_OPINIONS = 20


class CsLeaderDigest(models.AbstractModel):
    """The leaders' weekly feedback digest and the CS team's KPIs (R6, R7, R15).

    Guests' opinions, dissatisfied callbacks and the callback KPIs go to
    every leader each week, in the leader's own language.
    """

    _name = "cs.leader.digest"
    _description = "Customer Service Leaders' Digest"

    @api.model
    def _team_kpis(self, date_from, date_to):
        """Callback and contact KPIs over [date_from, date_to) (datetimes).

        - on-time rate: visits that began in the period and are due a
          callback, called back before their deadline;
        - members called back: members (VIP guests) who visited in the period
          and got a callback (goal 100%, R15);
        - contact weeks: of member-weeks in the period, those with at least
          one contact record (R7: once a week).
        """
        Visit = self.env["cs.visit"].sudo()
        period = [("date_start", ">=", date_from), ("date_start", "<", date_to)]
        due_count, on_time = Visit._callback_kpis(period).get(None, (0, 0))
        members = (
            self.env["cs.guest.archive"]
            .sudo()
            .search_fetch([("vip_level", "!=", "none")], ["partner_id"])
            .partner_id
        )
        visited = Visit._read_group(
            [
                *period,
                ("callback_state", "!=", "not_needed"),
                ("partner_id", "in", members.ids),
            ],
            ["partner_id", "callback_state"],
        )
        visited_members = {partner for partner, _state in visited}
        called_members = {partner for partner, state in visited if state == "done"}
        weeks = max(1, round((date_to - date_from).days / 7))
        contacted = (
            self.env["cs.contact.log"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", members.ids),
                    ("contact_date", ">=", date_from),
                    ("contact_date", "<", date_to),
                ],
                ["partner_id", "contact_date:week"],
            )
        )
        return {
            "callbacks_due": due_count,
            "callbacks_on_time": on_time,
            "on_time_rate": on_time / due_count if due_count else 1.0,
            "members_visited": len(visited_members),
            "members_called_back": len(called_members),
            "members_called_rate": (
                len(called_members) / len(visited_members) if visited_members else 1.0
            ),
            "contact_weeks_rate": (len(contacted) / (len(members) * weeks) if members else 1.0),
        }

    @api.model
    def _digest_values(self, date_to=None):
        date_to = date_to or datetime.combine(fields.Date.today(), time.min)
        date_from = date_to - timedelta(days=7)
        Log = self.env["cs.contact.log"].sudo()
        period = [("contact_date", ">=", date_from), ("contact_date", "<", date_to)]
        # R6: the stays the guest was dissatisfied with, in the guest's words;
        # other dissatisfied contacts (a regular call) beside them.
        dissatisfied_visits = (
            self.env["cs.visit"]
            .sudo()
            .search(
                [
                    ("satisfaction", "=", "dissatisfied"),
                    ("callback_date", ">=", date_from),
                    ("callback_date", "<", date_to),
                ],
                order="callback_date",
            )
        )
        dissatisfied = Log.search(
            [*period, ("is_dissatisfied", "=", True), ("visit_id", "=", False)]
        )
        opinions = Log.search(
            [*period, ("feedback", "!=", False), ("is_dissatisfied", "=", False)],
            limit=DIGEST_OPINIONS,
        )
        return {
            "date_from": date_from.date(),
            "date_to": (date_to - timedelta(days=1)).date(),
            "kpis": self._team_kpis(date_from, date_to),
            "dissatisfied_visits": dissatisfied_visits,
            "dissatisfied": dissatisfied,
            "opinions": opinions,
        }

    @api.model
    def _cron_send(self):
        """Mail the week's digest to every leader, each in their language."""
        leaders = (
            self.env.ref("customer_service.group_cs_leader")._cs_active_users().filtered("email")
        )
        if not leaders:
            return
        template = self.env.ref("customer_service.mail_template_cs_leader_digest")
        values = self._digest_values()
        # The week each leader was last sent is the key: a run killed midway
        # mails, when it runs again, only the leaders it had not reached.
        todo = leaders.sudo().filtered(
            lambda leader: (
                not leader.cs_digest_sent_until or leader.cs_digest_sent_until < values["date_to"]
            )
        )
        for batch in batches(self.env, todo, size=50):
            for leader in batch:
                template.with_context(cs_digest=values).send_mail(
                    leader.id, email_layout_xmlid="mail.mail_notification_light"
                )
            batch.write({"cs_digest_sent_until": values["date_to"]})
