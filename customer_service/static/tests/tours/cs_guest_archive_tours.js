import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// CS staff: create an archive for a guest and note an F&B preference.
registry.category("web_tour.tours").add("customer_service_archive_create_tour", {
    url: "/odoo/action-customer_service.cs_guest_archive_action",
    steps: () => [
        {
            content: "Create an archive",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "Pick the guest",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Guest 林",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Guest 林)",
            run: "click",
        },
        {
            content: "Open the F&B preferences",
            trigger: ".o_notebook .nav-link[name=prefs_fnb]",
            run: "click",
        },
        {
            trigger: "div[name=preference_fnb_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Write the preference",
            trigger: "div[name=preference_fnb_ids] .o_selected_row td[name=name] textarea",
            run: "edit 早餐只喝豆浆",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, with its code",
            trigger: ".o_form_saved .o_field_widget[name=code]:contains(GA)",
        },
    ],
});

// A department liaison: note a preference from their own menu, without the archive.
registry.category("web_tour.tours").add("customer_service_liaison_preference_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("customer_service.cs_menu_root", "Open Customer Service"),
        {
            content: "Open the guest archives menu",
            trigger: ".o_main_navbar [data-menu-xmlid='customer_service.cs_guest_archive_menu']",
            run: "click",
        },
        {
            content: "No archive list for a liaison, only what departments note",
            trigger: ".dropdown-item[data-menu-xmlid='customer_service.cs_service_card_menu']",
        },
        {
            trigger: "body:not(:has(.dropdown-item[data-menu-xmlid='customer_service.cs_guest_archive_list_menu']))",
        },
        {
            content: "Open guest preferences",
            trigger: ".dropdown-item[data-menu-xmlid='customer_service.cs_guest_preference_menu']",
            run: "click",
        },
        {
            content: "The list of the liaison's preferences",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_selected_row td[name=partner_id] input",
            run: "edit Tour Guest 林",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Guest 林)",
            run: "click",
        },
        {
            trigger: ".o_selected_row td[name=name] textarea",
            run: "edit 红酒不加冰",
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "The line is saved",
            trigger: ".o_data_row:not(.o_selected_row) td[name=name]:contains(红酒不加冰)",
        },
    ],
});

// A CS manager opens a confidential archive (the opening is logged).
registry.category("web_tour.tours").add("customer_service_manager_open_tour", {
    steps: () => [
        {
            content: "The confidential archive is open, with its level badge",
            trigger:
                ".o_form_view .o_field_widget[name=confidentiality_level] .badge.text-bg-warning",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=code]:contains(GA)",
        },
    ],
});
