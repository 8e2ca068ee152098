from . import cs_archive_borrow_wizard
