"""The overview became a client action under the same xml id.

Odoo cannot move an xml id from one model to another on upgrade: the window
action that ``cs_service_overview_action`` named is removed first, with its
xml id, so that loading the data creates the client action in its place. The
ORM's unlink also drops what pointed to the old action (saved filters, users'
home action); the menu is then reloaded with the new one.

The form it opened was a transient model, ``cs.service.overview``, gone from
the code: Odoo removes its fields and access rows at the end of the upgrade
but leaves its table, which held nothing but throwaway rows.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

XMLID = "customer_service_reports.cs_service_overview_action"


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    action = env.ref(XMLID, raise_if_not_found=False)
    if action and action._name == "ir.actions.act_window":
        action.unlink()
    cr.execute(SQL("DROP TABLE IF EXISTS cs_service_overview CASCADE"))
