import re

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

MODULES = ("customer_service", "customer_service_reports")
# A design-document rule number such as R15 or R14.4. Chinese characters count
# as word characters for \b, so "（R15）" and "回访R15" are caught by refusing
# only an ASCII letter or digit on either side.
RULE_NUMBER = re.compile(r"(?<![A-Za-z0-9])R[0-9]+(?![A-Za-z0-9])")


@tagged("post_install", "-at_install")
class TestNoRuleNumbers(TransactionCase):
    """Hotel staff never saw the design document: its rule numbers stay out of the UI."""

    def test_source_terms_have_no_rule_numbers(self):
        reader = TranslationModuleReader(self.env.cr, modules=list(MODULES))
        # Where a term comes from: a record's xml id and field, or a file and line.
        offending = sorted(
            {
                f"{source!r} ({name}, {res_id})"
                for _module, _type, name, res_id, source, _value, _comments in reader
                if RULE_NUMBER.search(source)
            }
        )
        if offending:
            self.fail(
                f"{len(offending)} user-facing string(s) show a rule number:\n"
                + "\n".join(offending)
            )

    def test_zh_cn_translations_have_no_rule_numbers(self):
        for module in MODULES:
            with self.subTest(module=module):
                catalog = polib.pofile(file_path(f"{module}/i18n/zh_CN.po"))
                offending = [
                    f"{entry.msgid!r} -> {entry.msgstr!r}"
                    for entry in catalog
                    if not entry.obsolete and RULE_NUMBER.search(entry.msgstr)
                ]
                if offending:
                    self.fail(
                        f"{module}/i18n/zh_CN.po: {len(offending)} translation(s) show a "
                        "rule number:\n" + "\n".join(offending)
                    )
