import { loadBundle } from "@web/core/assets";
import { cookie } from "@web/core/browser/cookie";
import { getColor, getCustomColor } from "@web/core/colors/colors";

import { Component, onWillStart, useEffect, useRef } from "@odoo/owl";

/**
 * A bar chart of the service dashboard, drawn with Odoo's Chart.js bundle
 * as the graph view draws it. Each dataset carries, beside its values, the
 * domain of the records behind each bar: clicking a bar (a segment of a
 * stack) hands that dataset and index to ``onSegmentClick``.
 */
export class CsDashboardChart extends Component {
    static template = "customer_service_reports.CsDashboardChart";
    static props = {
        name: String,
        labels: Array,
        datasets: Array,
        stacked: { type: Boolean, optional: true },
        formatValue: { type: Function, optional: true },
        onSegmentClick: Function,
    };
    static defaultProps = {
        stacked: false,
        formatValue: (value) => String(value),
    };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        onWillStart(() => loadBundle("web.chartjs_lib"));
        useEffect(
            () => {
                this.renderChart();
                return () => this.chart?.destroy();
            },
            () => [this.props.labels, this.props.datasets]
        );
    }

    renderChart() {
        const colorScheme = cookie.get("color_scheme");
        const textColor = getCustomColor(colorScheme, "#111827", "#E4E4E4");
        const gridColor = getCustomColor(colorScheme, "rgba(0,0,0,.1)", "rgba(255,255,255,.15)");
        const { datasets, formatValue, labels, stacked } = this.props;
        this.chart = new Chart(this.canvasRef.el, {
            type: "bar",
            data: {
                labels,
                datasets: datasets.map((dataset, index) => ({
                    label: dataset.label,
                    data: dataset.data,
                    backgroundColor: getColor(index, colorScheme, datasets.length),
                    borderRadius: 2,
                    maxBarThickness: 48,
                })),
            },
            options: {
                maintainAspectRatio: false,
                responsive: true,
                animation: false,
                interaction: { mode: "nearest", intersect: true },
                scales: {
                    x: { stacked, ticks: { color: textColor }, grid: { display: false } },
                    y: {
                        stacked,
                        beginAtZero: true,
                        ticks: { color: textColor, precision: 0, callback: formatValue },
                        grid: { color: gridColor },
                    },
                },
                plugins: {
                    legend: { position: "bottom", labels: { color: textColor, boxWidth: 12 } },
                    tooltip: {
                        callbacks: {
                            label: (item) => `${item.dataset.label}: ${formatValue(item.raw)}`,
                        },
                    },
                },
                onHover: (event, elements) => {
                    event.native.target.style.cursor = elements.length ? "pointer" : "";
                },
                onClick: (event) => this.onChartClick(event),
            },
        });
    }

    onChartClick(event) {
        const [element] = this.chart.getElementsAtEventForMode(
            event.native,
            "nearest",
            { intersect: true },
            false
        );
        if (element) {
            this.props.onSegmentClick(this.props.datasets[element.datasetIndex], element.index);
        }
    }
}
