import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// Selectors use menu xml ids and field names, never labels: the demo users
// work in Chinese.
const menu = (xmlid) => `.o_main_navbar [data-menu-xmlid='${xmlid}']`;
const item = (xmlid) => `.dropdown-item[data-menu-xmlid='${xmlid}']`;

// A leader countersigns what a staff member gave on the leader's authority.
registry.category("web_tour.tours").add("customer_service_leader_countersign_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("customer_service.cs_menu_root", "Open Customer Service"),
        {
            content: "Open Complaints & Compensation",
            trigger: menu("customer_service.cs_complaint_menu"),
            run: "click",
        },
        {
            content: "What waits for the leader's countersign",
            trigger: item("customer_service.cs_compensation_countersign_menu"),
            run: "click",
        },
        {
            content: "The gift given on the leader's authority",
            trigger: ".o_list_view .o_data_row:contains(Tour Guest 赵) td[name=name]",
            run: "click",
        },
        {
            content: "Countersign it",
            trigger: ".o_form_view button[name=action_countersign]",
            run: "click",
        },
        {
            content: "Countersigned",
            trigger: ".o_form_view:not(:has(button[name=action_countersign]))",
        },
    ],
});

// A CS administrator gives staff an authority limit for gifts.
registry.category("web_tour.tours").add("customer_service_admin_limit_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("customer_service.cs_menu_root", "Open Customer Service"),
        {
            content: "Open the configuration",
            trigger: menu("customer_service.cs_config_menu"),
            run: "click",
        },
        {
            content: "Open the authority limits",
            trigger: item("customer_service.cs_authority_limit_menu"),
            run: "click",
        },
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "For a group",
            trigger: ".o_selected_row td[name=group_id] input",
            run: "edit Tour Limit Group",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Limit Group)",
            run: "click",
        },
        {
            content: "Gifts",
            trigger: ".o_selected_row td[name=compensation_type] .o_select_menu_toggler",
            run: "click",
        },
        {
            // The administrator works in English.
            trigger: ".o_select_menu_menu .o_select_menu_item:contains(Gift)",
            run: "click",
        },
        {
            trigger: ".o_selected_row td[name=max_per_transaction] input",
            run: "edit 300",
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "The limit is saved",
            trigger: ".o_data_row:not(.o_selected_row) td[name=max_per_transaction]:contains(300)",
        },
    ],
});
