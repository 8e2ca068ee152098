import { registry } from "@web/core/registry";

// R14 in the browser, in three sittings: CS staff register, judge,
// investigate and propose; a CS manager approves; CS staff carry it out,
// follow up and close. Selectors use field and button names, never labels:
// the demo staff work in Chinese.

const field = (name) => `.o_form_view .o_field_widget[name=${name}]`;
const button = (name) => `.o_form_view .o_form_statusbar button[name=${name}]`;
const tab = (name) => `.o_form_view .o_notebook .nav-link[name=${name}]`;
const state = (value) => `.o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=${value}]`;

registry.category("web_tour.tours").add("customer_service_complaint_register_tour", {
    url: "/odoo/action-customer_service.cs_complaint_action",
    steps: () => [
        {
            content: "Register a complaint",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "The guest",
            trigger: `${field("partner_id")} input`,
            run: "edit Tour Complaint Guest",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Complaint Guest)",
            run: "click",
        },
        {
            content: "What happened",
            trigger: `${field("description")} .odoo-editor-editable div.o-paragraph`,
            run: "editor 房间空调坏了，一夜没修好",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved with its reference",
            trigger: ".o_form_saved .o_field_widget[name=name]:contains(CMP)",
        },
        {
            content: "Judge it valid",
            trigger: button("action_judge_valid"),
            run: "click",
        },
        {
            content: "Start the investigation",
            trigger: button("action_start_investigation"),
            run: "click",
        },
        {
            trigger: tab("investigation"),
            run: "click",
        },
        {
            content: "The responsible department",
            trigger: `${field("department_id")} input`,
            run: "edit 客房",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(客房)",
            run: "click",
        },
        {
            trigger: `${field("responsible_person")} input`,
            run: "edit Engineer on duty",
        },
        {
            content: "The cause",
            trigger: `${field("cause")} .odoo-editor-editable div.o-paragraph`,
            run: "editor 维修工单没有转给夜班",
        },
        {
            trigger: tab("solutions"),
            run: "click",
        },
        {
            content: "Propose a solution",
            trigger: "div[name=solution_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: "div[name=solution_ids] .o_selected_row td[name=name] input",
            run: "edit Move the guest and waive one night",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Submit the solutions for approval",
            trigger: button("action_propose_solutions"),
            run: "click",
        },
        {
            content: "Waiting for the manager",
            trigger: state("proposed"),
        },
    ],
});

registry.category("web_tour.tours").add("customer_service_complaint_approve_tour", {
    steps: () => [
        {
            trigger: tab("solutions"),
            run: "click",
        },
        {
            content: "The manager approves the solution",
            trigger: "div[name=solution_ids] .o_data_row button[name=action_approve]",
            run: "click",
        },
        {
            content: "The solution is approved",
            trigger: state("approved"),
        },
    ],
});

// Carry the solution out and get the guest's confirmation.
const implementSteps = () => [
    {
        content: "Carry it out",
        trigger: button("action_start_implementation"),
        run: "click",
    },
    {
        trigger: state("implementing"),
    },
    {
        trigger: tab("confirmation"),
        run: "click",
    },
    {
        content: "The guest confirmed in person",
        trigger: `${field("confirmation_method")} input[data-value=in_person]`,
        run: "click",
    },
    {
        trigger: `${field("guest_response")} textarea`,
        run: "edit 客人接受换房，表示满意",
    },
    {
        content: "Record the guest's confirmation",
        trigger: button("action_guest_confirm"),
        run: "click",
    },
];

// Compensate the guest within the signer's own limit (R5, R11), then return.
const compensateSteps = () => [
    {
        content: "Compensate the guest",
        trigger: button("action_compensate"),
        run: "click",
    },
    {
        content: "A gift",
        trigger: `${field("compensation_type")} .o_select_menu_toggler`,
        run: "click",
    },
    {
        // 馈赠: "gift" in the Chinese the demo users work in.
        trigger: ".o_select_menu_menu .o_select_menu_item:contains(馈赠)",
        run: "click",
    },
    {
        trigger: `${field("amount")} input`,
        run: "edit 150",
    },
    {
        content: "Sign within the limit",
        trigger: button("action_sign"),
        run: "click",
    },
    {
        content: "Given and booked",
        trigger: state("done"),
    },
    {
        content: "Back to the complaint",
        trigger: ".o_breadcrumb .breadcrumb-item a:contains(CMP)",
        run: "click",
    },
    {
        trigger: `${state("implementing")}`,
    },
];

// Call the guest back and close.
const followUpAndCloseSteps = () => [
    {
        content: "Record the follow-up call",
        trigger: button("action_open_follow_up_wizard"),
        run: "click",
    },
    {
        trigger: ".modal .o_field_widget[name=satisfaction] input[data-value=satisfied]",
        run: "click",
    },
    {
        trigger: ".modal .o_field_widget[name=feedback] textarea",
        run: "edit 客人说问题解决得很快",
    },
    {
        trigger: ".modal .modal-footer button[name=action_confirm]",
        run: "click",
    },
    {
        content: "Followed up",
        trigger: `body:not(:has(.modal)) ${state("followed_up")}`,
    },
    {
        content: "Close the complaint",
        trigger: button("action_close"),
        run: "click",
    },
    {
        content: "Closed",
        trigger: state("closed"),
    },
];

registry.category("web_tour.tours").add("customer_service_complaint_close_tour", {
    steps: () => [
        ...implementSteps(),
        ...compensateSteps(),
        ...followUpAndCloseSteps(),
    ],
});
