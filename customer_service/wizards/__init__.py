from . import cs_archive_borrow_wizard
from . import cs_customer_change_wizard
from . import cs_promotion_wizard
from . import cs_complaint_follow_up_wizard
from . import base_partner_merge
