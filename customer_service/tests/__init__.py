from . import test_security_groups
from . import test_guest_archive_access
from . import test_translations
from . import test_ui
