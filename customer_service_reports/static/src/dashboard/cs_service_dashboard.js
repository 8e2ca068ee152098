import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat, formatMonetary, formatPercentage } from "@web/views/fields/formatters";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

import { Component, onWillStart, useState } from "@odoo/owl";

import { CsDashboardChart } from "./cs_dashboard_chart";

const { DateTime } = luxon;

// Months as the user's language writes them: "Dec 2026", "2026年12月".
const monthName = (isoDate, month = "long") =>
    DateTime.fromISO(isoDate).toLocaleString({ year: "numeric", month });

/**
 * The managers' overview of their hotel (client action ``cs_service_dashboard``).
 *
 * Every figure comes from ``cs.service.dashboard.get_dashboard_data``,
 * computed by the ORM as the current user, with the domain of the records it
 * counts: clicking a card or a chart segment opens exactly that list.
 */
export class CsServiceDashboard extends Component {
    static template = "customer_service_reports.CsServiceDashboard";
    static components = { CsDashboardChart, Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        // The titles of the lists the cards open: the cards' own, where they have one.
        this.titles = {
            callbacksDue: _t("Callbacks due this month"),
            callbacksOnTime: _t("Called back in time"),
            callbacksOverdue: _t("Overdue Callbacks"),
            complaintsOpen: _t("Open Complaints"),
            reviewsDue: _t("Archives Due for Review"),
            compensationCompany: _t("Compensation This Month"),
        };
        this.formatPoints = (value) => formatFloat(value, { digits: [16, 0] });
        // Consumption is read in whole units; compensation to the cent, as signed.
        this.formatMoney = (value) =>
            formatMonetary(value, { currencyId: this.data.currency_id, digits: [16, 0] });
        this.formatAmount = (value) => formatMonetary(value, { currencyId: this.data.currency_id });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("cs.service.dashboard", "get_dashboard_data", []);
    }

    get data() {
        return this.state.data;
    }

    get display() {
        return { controlPanel: {} };
    }

    get monthLabel() {
        return monthName(this.data.month);
    }

    get callbackRate() {
        const { rate } = this.data.callbacks;
        return rate === null ? "—" : formatPercentage(rate, { digits: [16, 0] });
    }

    get callbackSummary() {
        const { due, on_time } = this.data.callbacks;
        return _t("%(on_time)s of %(due)s called back in time", {
            on_time: on_time.value,
            due: due.value,
        });
    }

    get complaintStatuses() {
        const total = this.data.complaints.open.value;
        const colors = { on_time: "success", at_risk: "warning", overdue: "danger" };
        return this.data.complaints.statuses.map((status) => ({
            ...status,
            color: colors[status.key] || "secondary",
            title: _t("Open Complaints: %(status)s", { status: status.label }),
            width: total ? (100 * status.value) / total : 0,
        }));
    }

    get reviewSoonLabel() {
        return _t("%(count)s more in the next %(days)s days", {
            count: this.data.reviews.soon.value,
            days: this.data.reviews.soon_days,
        });
    }

    get compensationLines() {
        return this.data.compensation.lines.map((line) => {
            const format = line.is_points ? this.formatPoints : this.formatAmount;
            let limit = _t("No authority");
            if (line.has_authority) {
                limit = line.limit_month === null ? _t("No monthly cap") : format(line.limit_month);
            }
            const share = line.share === null ? 0 : Math.min(100, 100 * line.share);
            return {
                ...line,
                spentLabel: format(line.spent.value),
                companyLabel: format(line.company.value),
                limitLabel: limit,
                spentTitle: _t("%(type)s signed by you this month", { type: line.label }),
                companyTitle: _t("%(type)s this month", { type: line.label }),
                share,
                barColor: line.share > 1 ? "danger" : line.share >= 0.8 ? "warning" : "success",
            };
        });
    }

    get categoryChart() {
        const { months, datasets } = this.data.complaint_categories;
        return {
            labels: months.map((month) => monthName(month, "short")),
            datasets: datasets.map(({ label, data, domains }) => ({ label, data, domains })),
        };
    }

    get consumptionChart() {
        const { departments, datasets } = this.data.consumption;
        return {
            labels: departments.map((department) => department.label),
            datasets: datasets.map(({ month, data, domains }) => ({
                label: monthName(month),
                data,
                domains,
            })),
        };
    }

    get consumptionTotals() {
        const [last, current] = this.data.consumption.datasets;
        const title = (dataset) =>
            _t("Consumption: %(month)s", { month: monthName(dataset.month) });
        return [
            { key: "this_month", label: _t("This month"), title: title(current), ...current },
            { key: "last_month", label: _t("Last month"), title: title(last), ...last },
        ];
    }

    /**
     * Open the list of the records behind a figure.
     * @param {{res_model: string, domain: Array}} figure
     * @param {string} name the list's title in the breadcrumbs
     */
    openFigure(figure, name) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: figure.res_model,
            domain: figure.domain,
            views: [
                [false, "list"],
                [false, "form"],
            ],
            // The domain is the figure's: no default filter of the menu on top.
            context: { create: false },
            target: "current",
        });
    }

    openCategorySegment(dataset, index) {
        const { res_model } = this.data.complaint_categories;
        const month = this.categoryChart.labels[index];
        this.openFigure(
            { res_model, domain: dataset.domains[index] },
            _t("Complaints: %(category)s, %(month)s", { category: dataset.label, month })
        );
    }

    openConsumptionSegment(dataset, index) {
        const { res_model } = this.data.consumption;
        const department = this.consumptionChart.labels[index];
        this.openFigure(
            { res_model, domain: dataset.domains[index] },
            _t("Consumption: %(department)s, %(month)s", { department, month: dataset.label })
        );
    }

    openReportWizard() {
        return this.action.doAction("customer_service_reports.cs_report_wizard_action");
    }
}

registry.category("actions").add("cs_service_dashboard", CsServiceDashboard);
