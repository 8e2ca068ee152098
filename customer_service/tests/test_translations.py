from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

MODULES = ("customer_service", "customer_service_reports")
# Terms written the same in Chinese. OCA's PO formatter empties a msgstr equal
# to its msgid, and Odoo then shows the source, so these stay empty on purpose.
SAME_IN_CHINESE = {"A", "B", "C", "D", "ID", "VIP", "<span>@</span>"}


def untranslated_terms(env, module):
    """Terms Odoo exports for the module that its zh_CN.po leaves empty."""
    po_path = Path(__file__).resolve().parents[2] / module / "i18n" / "zh_CN.po"
    catalog = polib.pofile(str(po_path))
    translated = {
        entry.msgid
        for entry in catalog
        if entry.msgstr.strip() and "fuzzy" not in entry.flags and not entry.obsolete
    }
    reader = TranslationModuleReader(env.cr, modules=[module])
    exported = {source for _m, _t, _n, _r, source, _v, _c in reader}
    return sorted(exported - translated - SAME_IN_CHINESE)


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_zh_cn_po_is_complete(self):
        for module in MODULES:
            with self.subTest(module=module):
                missing = untranslated_terms(self.env, module)
                self.assertFalse(
                    missing,
                    f"{module}/i18n/zh_CN.po lacks {len(missing)} term(s), "
                    f"run 'make i18n' and translate: {missing[:20]}",
                )

    def test_zh_cn_user_sees_the_app_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search([("name", "in", MODULES)])._update_translations(
            ["zh_CN"]
        )
        root = self.env.ref("customer_service.cs_menu_root")
        self.assertEqual(root.with_context(lang="zh_CN").name, "客户服务")
        self.assertEqual(root.with_context(lang="en_US").name, "Customer Service")
        user = self.env["res.users"].create(
            {
                "name": "zh user",
                "login": "cs_zh_user",
                "lang": "zh_CN",
                "group_ids": [(6, 0, [self.env.ref("customer_service.group_cs_user").id])],
            }
        )
        menus = self.env["ir.ui.menu"].with_user(user).with_context(lang="zh_CN").load_menus(False)
        self.assertEqual(menus[root.id]["name"], "客户服务")
        level = (
            self.env["cs.guest.archive"].with_context(lang="zh_CN")._fields["confidentiality_level"]
        )
        labels = dict(level._description_selection(self.env(context={"lang": "zh_CN"})))
        self.assertEqual(labels["top_secret"], "绝密")
