from . import test_security_groups
from . import test_guest_archive_access
from . import test_translations
from . import test_archive_borrow
from . import test_archive_access_log
from . import test_archive_lifecycle
from . import test_ui
