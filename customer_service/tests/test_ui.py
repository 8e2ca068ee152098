from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    """Real Chromium: the demo CS staff member opens the app."""

    def test_cs_staff_opens_the_app(self):
        staff = self.env.ref("customer_service.user_cs_staff")
        self.start_tour("/odoo", "customer_service_app_menu_tour", login=staff.login)
