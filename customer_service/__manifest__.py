# Copyright 2026 Customer Service for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Service",
    "summary": "Guest archives, callbacks, complaints and compensation for hotels",
    "version": "19.0.1.0.0",
    "category": "Services/Customer Service",
    "website": "https://github.com/customer-service-odoo/customer_service",
    "author": "Customer Service for Odoo contributors",
    "maintainers": ["customer-service-odoo"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "installable": True,
    "depends": [
        "mail",
        "contacts",
        "account",
        "loyalty",
        "base_tier_validation",
    ],
    "external_dependencies": {
        "python": ["lunardate", "holidays"],
    },
    "data": [
        "security/cs_security.xml",
        "security/ir.model.access.csv",
        "security/cs_security_rules.xml",
        "data/ir_sequence_data.xml",
        "data/cs_service_department_data.xml",
        "views/cs_service_department_views.xml",
        "views/cs_guest_archive_views.xml",
        "views/res_config_settings_views.xml",
        "views/cs_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/cs_guest_archive_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_service/static/tests/tours/*.js",
        ],
    },
}
