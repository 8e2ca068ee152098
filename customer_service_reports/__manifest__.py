# Copyright 2026 Customer Service for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Service Reports",
    "summary": "XLSX reports, analysis and dashboards for customer service",
    "version": "19.0.1.1.0",
    "category": "Services/Customer Service",
    "website": "https://github.com/customer-service-odoo/customer_service",
    "author": "Customer Service for Odoo contributors",
    "maintainers": ["customer-service-odoo"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": [
        "customer_service",
        "report_xlsx",
    ],
    "assets": {
        "web.assets_backend": [
            "customer_service_reports/static/src/dashboard/*",
        ],
        "web.assets_tests": [
            "customer_service_reports/static/tests/tours/*.js",
        ],
    },
    "external_dependencies": {
        "python": ["xlsxwriter"],
    },
    "data": [
        "security/ir.model.access.csv",
        "security/cs_reports_security.xml",
        "report/cs_report_actions.xml",
        "wizards/cs_report_wizard_views.xml",
        "views/cs_guest_archive_analysis_views.xml",
        "views/cs_consumption_analysis_views.xml",
        "views/cs_callback_analysis_views.xml",
        "views/cs_compensation_analysis_views.xml",
        "views/cs_complaint_analysis_views.xml",
        "views/cs_service_dashboard_views.xml",
        "views/cs_reports_menus.xml",
    ],
}
