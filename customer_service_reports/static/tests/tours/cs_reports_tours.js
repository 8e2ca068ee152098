import { download } from "@web/core/network/download";
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// Selectors use menu xml ids and field names, never labels: the demo staff
// work in Chinese.
const menu = (xmlid) => `.o_main_navbar [data-menu-xmlid='${xmlid}']`;
const dialogField = (name) => `.modal .o_form_view .o_field_widget[name=${name}]`;
const DOWNLOADED = "data-cs-report-downloaded";

// A CS manager downloads the complaint statistics from the report wizard.
// The browser refuses to save files in tests, so the tour wraps the web
// client's download function: it marks the page with the file's name once
// the server has answered with the file, and the last step waits for it.
registry.category("web_tour.tours").add("customer_service_reports_complaint_statistics_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("customer_service.cs_menu_root", "Open Customer Service"),
        {
            content: "Open the Reporting menu",
            trigger: menu("customer_service_reports.cs_reporting_menu"),
            run: "click",
        },
        {
            content: "Open Export Reports",
            trigger: ".dropdown-item[data-menu-xmlid='customer_service_reports.cs_report_wizard_menu']",
            run: "click",
        },
        {
            content: "Pick the complaint statistics",
            trigger: `${dialogField("report")} input[data-value=complaint_statistics]`,
            run: "click",
        },
        {
            content: "Open the date picker",
            trigger: `${dialogField("date_from")} button`,
            run: "click",
        },
        {
            content: "First day of the period",
            trigger: `${dialogField("date_from")} input`,
            run: "edit 2025-03-01 && press Enter",
        },
        {
            content: "Open the date picker",
            trigger: `${dialogField("date_to")} button`,
            run: "click",
        },
        {
            content: "Last day of the period",
            trigger: `${dialogField("date_to")} input`,
            run: "edit 2025-03-31 && press Enter",
        },
        {
            content: "Leave the date field",
            trigger: `${dialogField("report")} input[data-value=complaint_statistics]`,
            run: "click",
        },
        {
            content: "Watch the download",
            trigger: ".modal footer button[name=action_print]",
            run() {
                document.body.removeAttribute(DOWNLOADED);
                const original = download._download;
                download._download = async (options) => {
                    try {
                        const filename = await original(options);
                        document.body.setAttribute(DOWNLOADED, filename || "");
                        return filename;
                    } finally {
                        download._download = original;
                    }
                };
            },
        },
        {
            content: "Download the file",
            trigger: ".modal footer button[name=action_print]",
            run: "click",
        },
        {
            // The file is named after the report in the user's language.
            content: "The file came back from the server",
            trigger: `body[${DOWNLOADED}$='.xlsx']`,
            timeout: 30000,
        },
    ],
});

// Finance opens Collections and sees the task with its amounts.
registry.category("web_tour.tours").add("customer_service_reports_finance_collections_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("customer_service.cs_menu_root", "Open Customer Service"),
        {
            content: "Finance lands on the collection tasks",
            trigger: ".o_list_view thead th[data-name=amount_due]",
        },
        {
            content: "Open the Service menu",
            trigger: menu("customer_service.cs_consumption_menu"),
            run: "click",
        },
        {
            content: "Open the collection tasks",
            trigger: ".dropdown-item[data-menu-xmlid='customer_service.cs_collection_task_menu']",
            run: "click",
        },
        {
            content: "The amounts are columns of the list",
            trigger: ".o_list_view thead th[data-name=amount_due] ~ th[data-name=promise_amount] ~ th[data-name=amount_collected]",
        },
        {
            content: "The task is listed with what is due and what was promised",
            trigger: ".o_list_view .o_data_row:contains(Tour Debtor):has(td[name=amount_due]:contains(1,234.00)):has(td[name=promise_amount]:contains(500.00))",
        },
    ],
});
