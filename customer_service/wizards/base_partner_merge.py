from markupsafe import Markup

from odoo import SUPERUSER_ID, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, format_date

from ..models.cs_guest_archive import CONFIDENTIALITY_LEVELS, VIP_LEVELS

LEVEL_RANK = {level: rank for rank, (level, __) in enumerate(CONFIDENTIALITY_LEVELS)}
VIP_RANK = {level: rank for rank, (level, __) in enumerate(VIP_LEVELS)}
CUSTOMER_CLASS_RANK = {"normal": 0, "key": 1, "strategic": 2}
# The worse credit class is the prudent one: a D earned under one profile is
# not washed away by merging it into another.
CREDIT_CLASS_RANK = {"a": 0, "b": 1, "c": 2, "d": 3}
# What the kept archive takes from the other when it knows nothing itself.
FILLED_FIELDS = (
    "employer_id",
    "job_title",
    "lang",
    "industry",
    "company_scale",
    "cooperation_since",
)
BIRTHDAY_FIELDS = ("birthday", "is_lunar_birthday", "lunar_birthday")


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Odoo's "Merge contacts", taught that a guest has one archive per company.

    The wizard moves every foreign key from the merged partners to the kept
    one in SQL. Guest archives, pending visits and greetings have unique
    indexes on the partner: before that SQL runs, the guests' archives in a
    company are folded into one, their pending visits into one, and their
    duplicate greetings dropped, so the update meets no index and nothing is
    lost. Loyalty merges the points itself; the history follows them here.

    Who may open the wizard is Odoo's decision (its ACL: Contacts / Creation,
    ``base.group_partner_manager``), and no CS group implies it: merging
    rewrites and deletes partners, a right over every contact (suppliers,
    employees, companies), not only over guests. A hotel gives it to the CS
    staff, managers and leaders who clean up duplicate profiles; each of them
    then merges only guests whose archives they may read, and only leaders
    merge top-secret archives. The wizard's own safety checks stay: contacts
    with different emails need an administrator (a CS admin is not one).
    Odoo 19 has no journal-item check on a manual merge: a guest's invoices
    simply follow the kept partner.
    """

    _inherit = "base.partner.merge.automatic.wizard"

    # ------------------------------------------------------------
    # Merge steps
    # ------------------------------------------------------------

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids).exists()
        if len(partners) >= 2:
            # The same choice of kept partner as the wizard makes.
            if not (dst_partner and dst_partner in partners):
                dst_partner = self._get_ordered_partner(partners.ids)[-1]
            # Before the wizard writes anything (users, bank accounts).
            self._cs_check_archive_merge(partners)
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)

    def _update_foreign_keys(self, src_partners, dst_partner):
        self._cs_merge_archives(src_partners, dst_partner)
        self._cs_merge_pending_visits(src_partners | dst_partner)
        result = super()._update_foreign_keys(src_partners, dst_partner)
        Archive = self.env["cs.guest.archive"].sudo().with_context(active_test=False)
        archives = Archive.search([("partner_id", "=", dst_partner.id)])
        # The SQL update moved partner_id under the stored name's feet.
        self.env.add_to_compute(Archive._fields["name"], archives)
        # Preferences reported before the merged guest had an archive here.
        self.env["cs.guest.preference"].sudo().search(
            [("partner_id", "=", dst_partner.id), ("archive_id", "=", False)]
        )._link_archives()
        return result

    def _merge_loyalty_cards(self, src_partners, dst_partner):
        Card = self.env["loyalty.card"].sudo()
        cards = Card.search([("partner_id", "in", (src_partners | dst_partner).ids)], order="id")
        if cards:
            # Locked as _cs_apply_points locks them: no one spends points that
            # are being moved to another card.
            cards.flush_recordset(["points"])
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM loyalty_card WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                    tuple(cards.ids),
                )
            )
        result = super()._merge_loyalty_cards(src_partners, dst_partner)
        self._cs_merge_single_cards(cards, dst_partner)
        self._cs_move_card_history(cards, dst_partner)
        return result

    # ------------------------------------------------------------
    # Access
    # ------------------------------------------------------------

    def _cs_check_archive_merge(self, partners):
        """Refuse unless the real user may read every archive of ``partners``.

        Merging rewrites the archives (level, owner, content), so it takes the
        user's own read rights on all of them, in every company the user works
        in, and a leader for top secret: as changing a classification does.
        Server code running as the superuser is trusted.
        """
        if self.env.su and self.env.uid == SUPERUSER_ID:
            return
        archives = (
            self.env["cs.guest.archive"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", partners.ids)])
        )
        if not archives:
            return
        user = self.env.user
        top_secret = archives.filtered(lambda a: a.confidentiality_level == "top_secret")
        if top_secret and not user.has_group("customer_service.group_cs_leader"):
            raise AccessError(
                self.env._(
                    "Only company leaders may merge a guest whose archive is top secret "
                    "(%(guests)s).",
                    guests=", ".join(top_secret.partner_id.mapped("display_name")),
                )
            )
        as_user = archives.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)
        try:
            as_user.check_access("read")
        except AccessError:
            hidden = archives - as_user._filtered_access("read").sudo()
            raise AccessError(
                self.env._(
                    "You may not read the guest archive of %(guests)s, so you cannot merge "
                    "these guests. Ask someone who may read all of their archives.",
                    guests=", ".join((hidden or archives).partner_id.mapped("display_name")),
                )
            ) from None

    # ------------------------------------------------------------
    # Archives
    # ------------------------------------------------------------

    def _cs_merge_archives(self, src_partners, dst_partner):
        """Fold the guests' archives of each company into one."""
        archives = (
            self.env["cs.guest.archive"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", (src_partners | dst_partner).ids)], order="id")
        )
        for company_archives in archives.grouped("company_id").values():
            if len(company_archives) < 2:
                continue  # a lone archive simply follows its guest
            kept = company_archives.filtered(lambda a: a.partner_id == dst_partner)[:1]
            kept = kept or company_archives[0]
            for source in company_archives - kept:
                self._cs_fold_archive(source, kept)

    def _cs_fold_archive(self, source, kept):
        """Move everything of ``source`` onto ``kept``, then remove ``source``."""
        code, guest = source.code, source.partner_id.display_name
        vals = self._cs_merged_values(source, kept)
        dropped = self._cs_drop_duplicate_greetings(source, kept)
        # The generic update would drop every follower of the source at the
        # first one who already follows the kept archive.
        self.env["mail.followers"].sudo().search(
            [
                ("res_model", "=", source._name),
                ("res_id", "=", source.id),
                ("partner_id", "in", kept.message_partner_ids.ids),
            ]
        ).unlink()
        if vals:
            kept.write(vals)
        # Every row pointing at the archive, in SQL, as the wizard does for
        # partners: the access log keeps its users and dates, tags and plans
        # their links. Then chatter, activities, attachments and references.
        self._update_foreign_keys_generic(source._name, source, kept)
        self._update_reference_fields_generic(source._name, source, kept)
        self.env.flush_all()
        # Archives are never unlinked through the ORM (a destruction erases
        # them instead), and a context key to allow it would be open to RPC
        # callers. Nothing points at the row any more: its content and trail
        # live on in the kept archive.
        self.env.cr.execute(
            SQL("DELETE FROM %s WHERE id = %s", SQL.identifier(source._table), source.id)
        )
        self.env.invalidate_all()
        body = Markup("<p>%s</p>") % self.env._(
            "%(user)s merged the guest %(guest)s into this guest: the archive %(code)s "
            "is now part of this archive.",
            user=self.env.user.name,
            guest=guest,
            code=code,
        )
        if "confidentiality_level" in vals:
            body += Markup("<p>%s</p>") % self.env._(
                "The stricter classification of %(code)s applies: %(level)s.",
                code=code,
                level=dict(kept._fields["confidentiality_level"]._description_selection(self.env))[
                    vals["confidentiality_level"]
                ],
            )
        if dropped:
            body += Markup("<p>%s</p>") % self.env._(
                "Both guests had been greeted for %(occasions)s: one greeting per occasion "
                "is kept.",
                occasions=", ".join(dropped),
            )
        kept._message_log(body=body, author_id=self.env.user.partner_id.id)

    def _cs_merged_values(self, source, kept):
        """What ``kept`` must become to hold ``source`` too."""
        vals = self._cs_merged_classification(source, kept)
        for fname, ranks in (
            ("vip_level", VIP_RANK),
            ("customer_class", CUSTOMER_CLASS_RANK),
            ("credit_class", CREDIT_CLASS_RANK),
        ):
            if ranks.get(source[fname], -1) > ranks.get(kept[fname], -1):
                vals[fname] = source[fname]
        vals.update(self._cs_merged_content(source, kept))
        # The earlier review: neither profile's verification is skipped.
        reviews = [d for d in (kept.next_review_date, source.next_review_date) if d]
        if reviews and min(reviews) != kept.next_review_date:
            vals["next_review_date"] = min(reviews)
        # A live profile is not buried in a destroyed or archived one.
        if source.active and not kept.active:
            vals["active"] = True
        if kept.destroyed and not source.destroyed:
            vals["destroyed"] = False
        return vals

    def _cs_merged_classification(self, source, kept):
        """The stricter level, its period and owner, and the permanent flag."""
        vals = {}
        source_rank = LEVEL_RANK[source.confidentiality_level]
        kept_rank = LEVEL_RANK[kept.confidentiality_level]
        if source_rank > kept_rank:
            # The stricter level, with its own period. Staff read a
            # confidential archive through its owner: the owner comes along,
            # so that its content stays with who could read it.
            vals["confidentiality_level"] = source.confidentiality_level
            vals["classified_until"] = source.classified_until
            if source.owner_id:
                vals["owner_id"] = source.owner_id.id
        elif source_rank == kept_rank and kept.classified_until:
            # The same level: the longer period (none: never declassified).
            if not source.classified_until or source.classified_until > kept.classified_until:
                vals["classified_until"] = source.classified_until
        if not kept.owner_id and source.owner_id:
            vals.setdefault("owner_id", source.owner_id.id)
        if source.is_permanent:
            vals["is_permanent"] = True
        return vals

    def _cs_merged_content(self, source, kept):
        """What the kept archive lacks and the other knows, and both notes."""
        vals = {}
        for fname in FILLED_FIELDS:
            if not kept[fname] and source[fname]:
                vals[fname] = kept._fields[fname].convert_to_write(source[fname], kept)
        if not (kept.birthday or kept.lunar_birthday) and (
            source.birthday or source.lunar_birthday
        ):
            vals.update({fname: source[fname] for fname in BIRTHDAY_FIELDS})
        if kept.dnd_start == kept.dnd_end and source.dnd_start != source.dnd_end:
            vals.update(dnd_start=source.dnd_start, dnd_end=source.dnd_end)
        if source.note:
            vals["note"] = (kept.note or Markup()) + source.note
        if source.credit_note:
            vals["credit_note"] = "\n\n".join(filter(None, [kept.credit_note, source.credit_note]))
        return vals

    def _cs_drop_duplicate_greetings(self, source, kept):
        """Keep one greeting per occasion: the index allows one per guest.

        The one that gave a gift stays, else the kept archive's. Returns the
        names of the occasions concerned.
        """
        Greeting = self.env["cs.greeting"].sudo()
        greetings = Greeting.search([("archive_id", "in", (source | kept).ids)], order="id")
        dropped, names = Greeting, []
        for group in greetings.grouped(lambda g: (g.occasion, g.occasion_date)).values():
            if len(group) < 2:
                continue
            keep = (
                group.filtered("compensation_id")[:1]
                or group.filtered(lambda g: g.archive_id == kept)[:1]
                or group[0]
            )
            dropped |= group - keep
            names.append(group[0].occasion_name)
        dropped.unlink()
        return names

    # ------------------------------------------------------------
    # Visits
    # ------------------------------------------------------------

    def _cs_merge_pending_visits(self, partners):
        """One pending callback per guest and company: fold the others into it.

        The visit with the earliest deadline stays, so the deadline is still
        the first consumption's. The others give it their consumption and
        calls, and close as needing no callback, with their activity.
        """
        Visit = self.env["cs.visit"].sudo()
        pending = Visit.search(
            [("partner_id", "in", partners.ids), ("callback_state", "=", "pending")]
        )
        for visits in pending.grouped("company_id").values():
            if len(visits) < 2:
                continue
            kept = visits.sorted(lambda v: (v.callback_deadline, v.id))[0]
            others = visits - kept
            others.consumption_ids.write({"visit_id": kept.id})
            # In SQL: the calls' guest check would compare the guests before
            # the wizard has made them one.
            self.env["cs.contact.log"].flush_model(["visit_id"])
            self.env.cr.execute(
                SQL(
                    "UPDATE cs_contact_log SET visit_id = %s WHERE visit_id IN %s",
                    kept.id,
                    tuple(others.ids),
                )
            )
            self.env["cs.contact.log"].invalidate_model(["visit_id"])
            kept.invalidate_recordset(["contact_log_ids"])
            new_caller = not kept.callback_user_id and others.callback_user_id[:1]
            if new_caller:
                kept.callback_user_id = new_caller
            others._close("not_needed")
            others._message_log_batch(
                bodies=dict.fromkeys(
                    others.ids,
                    self.env._(
                        "The guests were merged: the consumption of this visit joined "
                        "their visit that started on %(date)s.",
                        date=format_date(
                            self.env, fields.Date.context_today(kept, kept.date_start)
                        ),
                    ),
                )
            )
            kept._sync_callback_activities(kept if new_caller else Visit)

    # ------------------------------------------------------------
    # Points
    # ------------------------------------------------------------

    def _cs_merge_single_cards(self, cards, dst_partner):
        """Fold the one-card programs that loyalty's own merge leaves alone.

        Loyalty merges loyalty and eWallet cards; a program marked "one card
        per guest" of another type would otherwise meet the unique index.
        """
        remaining = cards.filtered(lambda c: c.active and c.program_id.cs_one_card_per_partner)
        for program_cards in remaining.grouped("program_id").values():
            if len(program_cards) < 2:
                continue
            final = program_cards.filtered(lambda c: c.partner_id == dst_partner)[:1]
            final = final or program_cards[0]
            final.write(
                {"partner_id": dst_partner.id, "points": sum(program_cards.mapped("points"))}
            )
            (program_cards - final).write({"points": 0, "active": False})

    def _cs_move_card_history(self, cards, dst_partner):
        """The history of an emptied card goes with its points to the kept card.

        A card's points then still equal the sum of its history, on both.
        """
        emptied = cards.filtered(lambda c: not c.active)
        kept = cards - emptied
        History = self.env["loyalty.history"].sudo()
        for program, program_cards in emptied.grouped("program_id").items():
            target = kept.filtered(
                lambda c, p=program: c.program_id == p and c.partner_id == dst_partner
            )[:1]
            if target:
                History.search([("card_id", "in", program_cards.ids)]).write({"card_id": target.id})
