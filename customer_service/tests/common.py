from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

# Every role of the contract, by login, with the group that defines it.
ROLE_GROUPS = {
    "liaison": "customer_service.group_cs_liaison",
    "finance": "customer_service.group_cs_finance",
    "staff": "customer_service.group_cs_user",
    "staff2": "customer_service.group_cs_user",
    "supervisor": "customer_service.group_cs_info_supervisor",
    "manager": "customer_service.group_cs_manager",
    "leader": "customer_service.group_cs_leader",
    "admin": "customer_service.group_cs_admin",
    "internal": "base.group_user",
}


class CustomerServiceCase(TransactionCase):
    """Shared fixtures: one user per role and a few guests at every level."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        # Everyone may export: the export door is then held by record rules alone.
        cls.users = {
            role: new_test_user(
                cls.env, login=f"cs_test_{role}", groups=f"{group},base.group_allow_export"
            )
            for role, group in ROLE_GROUPS.items()
        }
        cls.Archive = cls.env["cs.guest.archive"]
        # Tests set the authority limits they rely on: start without the demo's.
        cls.env["cs.authority.limit"].with_context(active_test=False).search([]).unlink()

    @classmethod
    def _create_archive(cls, name, level="secret", owner=None, **vals):
        partner = cls.env["res.partner"].create({"name": name})
        return cls.Archive.create(
            {
                "partner_id": partner.id,
                "confidentiality_level": level,
                "owner_id": (owner or cls.users["staff"]).id,
                **vals,
            }
        )

    # ---------------------------------------------------------------------------
    # Compensation (issue 5): authority limits and compensation records
    # ---------------------------------------------------------------------------

    @classmethod
    def _create_plan(cls, archives, template=None, user=None, **vals):
        """A draft retention plan for archives, created by user (staff by default)."""
        return (
            cls.env["cs.retention.plan"]
            .with_user(user or cls.users["staff"])
            .create(
                {
                    "template_id": (
                        template
                        or cls.env.ref("customer_service.cs_retention_plan_template_normal")
                    ).id,
                    "archive_ids": [(6, 0, archives.ids)],
                    **vals,
                }
            )
        )

    @classmethod
    def _approve_plan(cls, plan, reviewer=None):
        """Submit a plan as its responsible and approve it: a leader for a strategic
        client, a CS manager otherwise."""
        plan.with_user(plan.user_id).action_submit()
        default = cls.users["leader"] if plan.has_strategic else cls.users["manager"]
        plan.with_user(reviewer or default).validate_tier()
        return plan


def set_authority_limit(env, holder, compensation_type, per_transaction, per_day=0, per_month=0):
    """Give a user or a group (``holder``) a limit for one compensation type."""
    key = "user_id" if holder._name == "res.users" else "group_id"
    return (
        env["cs.authority.limit"]
        .sudo()
        .create(
            {
                key: holder.id,
                "compensation_type": compensation_type,
                "max_per_transaction": per_transaction,
                "max_per_day": per_day,
                "max_per_month": per_month,
                "company_id": env.company.id,
            }
        )
    )


def create_compensation(env, user, partner, amount, compensation_type="waive_deductible", **vals):
    """A draft compensation created by ``user``."""
    return (
        env["cs.compensation"]
        .with_user(user)
        .create(
            {
                "partner_id": partner.id,
                "compensation_type": compensation_type,
                "amount": amount,
                **vals,
            }
        )
    )


def managers_not_of_this_hotel(env, prefix="cs_test"):
    """A hotel group's CS managers who must not be asked about this hotel.

    Returns (sister company, its CS manager, an archived manager of this one).
    """
    sister = env["res.company"].create({"name": "CSTEST Sister Hotel"})
    elsewhere = new_test_user(
        env,
        f"{prefix}_sister_manager",
        groups="customer_service.group_cs_manager",
        company_id=sister.id,
        company_ids=[Command.set(sister.ids)],
    )
    gone = new_test_user(env, f"{prefix}_gone_manager", groups="customer_service.group_cs_manager")
    gone.active = False
    return sister, elsewhere, gone
