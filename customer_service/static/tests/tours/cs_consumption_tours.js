import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// An F&B liaison reports a guest's dinner: the app opens on a blank report.
registry.category("web_tour.tours").add("customer_service_liaison_consumption_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("customer_service.cs_menu_root", "Open Customer Service"),
        {
            content: "The liaison lands on a new consumption report",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run: "edit Tour Guest 王",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Guest 王)",
            run: "click",
        },
        {
            content: "Their own department is already filled in",
            trigger: ".o_field_widget[name=department_id] input:value(餐饮)",
        },
        {
            trigger: "div[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: "div[name=line_ids] .o_selected_row td[name=name] input",
            run: "edit 清蒸石斑",
        },
        {
            trigger: "div[name=line_ids] .o_selected_row td[name=quantity] input",
            run: "edit 2",
        },
        {
            trigger: "div[name=line_ids] .o_selected_row td[name=price_unit] input",
            run: "edit 288",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved with its reference and total",
            trigger: ".o_form_saved .o_field_widget[name=name]:contains(CON)",
        },
        {
            trigger: ".o_field_widget[name=amount_total]:contains(576)",
        },
    ],
});

// CS staff open the callback queue: the guest's stay is one row, whatever
// the departments reported. They call, note how satisfied the guest was, and
// the whole stay is called back.
registry.category("web_tour.tours").add("customer_service_callback_tour", {
    steps: () => [
        {
            content: "The stay is one row of the queue",
            trigger: ".o_list_view .o_data_row:contains(Tour Guest 王)",
            run() {
                const rows = [...document.querySelectorAll(".o_list_view .o_data_row")].filter(
                    (row) => row.textContent.includes("Tour Guest 王")
                );
                if (rows.length !== 1) {
                    throw new Error(`expected one row for the stay, got ${rows.length}`);
                }
            },
        },
        {
            content: "Call the guest",
            trigger: ".o_data_row:contains(Tour Guest 王) button[name=action_log_callback]",
            run: "click",
        },
        {
            content: "The guest was satisfied",
            trigger: ".modal .o_field_widget[name=satisfaction] input[data-value=satisfied]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=feedback] textarea",
            run: "edit 石斑很新鲜，下次还来",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The stay is called back: nothing left to call",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains(Tour Guest 王) button[name=action_log_callback]))",
        },
    ],
});
