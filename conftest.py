"""Repository-wide pytest hooks.

Odoo turns a missing Chromium, a missing websocket-client or a browser that
fails to start into a skipped HttpCase. A browser test that did not run has
proved nothing, so here any skipped HttpCase is reported as a failure.
"""

import pytest


def _is_http_case(item):
    instance = getattr(item, "instance", None)
    if instance is None:
        return False
    from odoo.tests import HttpCase  # noqa: PLC0415 - odoo is only importable under pytest-odoo

    return isinstance(instance, HttpCase)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _is_http_case(item):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = (
            f"Browser test skipped ({reason}). Browser tests must run: install Chromium and "
            "websocket-client ('make setup')."
        )
