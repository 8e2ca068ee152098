from . import cs_service_dashboard
from . import res_users
