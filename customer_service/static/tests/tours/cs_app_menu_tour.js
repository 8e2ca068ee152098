import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// A CS staff member opens the app from the home menu and finds its menus.
registry.category("web_tour.tours").add("customer_service_app_menu_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("customer_service.cs_menu_root", "Open Customer Service"),
        {
            content: "The app's brand is shown in the navbar",
            trigger: ".o_main_navbar .o_menu_brand",
        },
        {
            content: "The guest archive menu is there",
            trigger: ".o_main_navbar [data-menu-xmlid='customer_service.cs_guest_archive_menu']",
        },
        {
            content: "Staff land on their callback queue",
            trigger: ".o_list_view, .o_kanban_view",
        },
    ],
});
