from . import cs_service_department
from . import cs_guest_archive
from . import res_config_settings
