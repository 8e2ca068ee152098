from odoo.tests import tagged

from .common import CustomerServiceCase


@tagged("post_install", "-at_install")
class TestGreetings(CustomerServiceCase):
    pass
