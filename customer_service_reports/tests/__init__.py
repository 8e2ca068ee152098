from . import test_archive_register
