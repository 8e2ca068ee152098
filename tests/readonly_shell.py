"""What test_readonly_routes.py runs inside ``odoo-bin shell``: a manager and a
confidential archive to open, export and report on."""


def prepare(env):
    from odoo import Command  # noqa: PLC0415 - only importable inside odoo-bin

    from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT  # noqa: PLC0415

    env = env(context=dict(env.context, **DISABLED_MAIL_CONTEXT))
    Users = env["res.users"].with_context(no_reset_password=True)
    manager = Users.create(
        {
            "name": "Read-only Route Manager",
            "login": "cs_ro_manager",
            "password": "cs_ro_manager",
            "lang": "en_US",
            "group_ids": [Command.set(env.ref("customer_service.group_cs_manager").ids)],
        }
    )
    partner = env["res.partner"].create({"name": "Read-only Route Guest"})
    archive = env["cs.guest.archive"].create(
        {"partner_id": partner.id, "confidentiality_level": "confidential"}
    )
    env.flush_all()
    return {"login": manager.login, "archive_id": archive.id}
