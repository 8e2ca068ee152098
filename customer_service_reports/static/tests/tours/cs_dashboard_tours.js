import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// Selectors use the dashboard's classes and data attributes, never labels:
// the demo managers work in Chinese.
const card = (name) => `.o_cs_dashboard .o_cs_dashboard_card[data-card='${name}']`;
const kpi = (name) => `.o_cs_dashboard_kpi[data-kpi='${name}']`;
const SHOWN = "data-cs-dashboard-count";

// A CS manager opens the app, lands on the dashboard, and clicks the overdue
// complaints: the list shows exactly the complaints the card counted.
registry.category("web_tour.tours").add("customer_service_reports_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("customer_service.cs_menu_root", "Open Customer Service"),
        {
            content: "The manager lands on the dashboard",
            trigger: card("callbacks"),
        },
        {
            content: "The callbacks card shows what is overdue",
            trigger: `${card("callbacks_overdue")} ${kpi("callbacks_overdue")}[data-count]`,
        },
        {
            content: "The complaints card splits the open complaints by deadline",
            trigger: `${card("complaints")} ${kpi("complaints_overdue")}[data-count]`,
        },
        {
            content: "Archives due for review have their card",
            trigger: `${card("reviews")} ${kpi("reviews_due")}[data-count]`,
        },
        {
            content: "The complaints chart is drawn",
            trigger: ".o_cs_dashboard_chart[data-chart='complaint_categories'] canvas",
        },
        {
            content: "The consumption chart is drawn",
            trigger: ".o_cs_dashboard_chart[data-chart='consumption'] canvas",
        },
        {
            content: "Remember how many overdue complaints the card counts",
            trigger: `${card("complaints")} ${kpi("complaints_overdue")}[data-count]`,
            run() {
                document.body.setAttribute(SHOWN, this.anchor.dataset.count);
            },
        },
        {
            content: "Open the overdue complaints",
            trigger: `${card("complaints")} ${kpi("complaints_overdue")}`,
            run: "click",
        },
        {
            content: "The tour's overdue complaint is listed",
            trigger: ".o_list_view .o_data_row:contains(CSREP Tour Dashboard Guest)",
        },
        {
            content: "The list holds as many complaints as the card said",
            trigger: ".o_list_view .o_data_row",
            run() {
                const expected = document.body.getAttribute(SHOWN);
                const rows = document.querySelectorAll(".o_list_view .o_data_row").length;
                document.body.removeAttribute(SHOWN);
                if (String(rows) !== expected) {
                    throw new Error(`The card counted ${expected}, the list shows ${rows}`);
                }
            },
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .o_back_button",
            run: "click",
        },
        {
            content: "The dashboard is back",
            trigger: card("complaints"),
        },
    ],
});
