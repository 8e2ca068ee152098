"""Creating a row that a unique index allows once, under concurrency."""

from psycopg2 import errors

from odoo.exceptions import ConcurrencyError


def create_or_retry(model, vals_list, index_name):
    """``model.create(vals_list)``, with a clash on ``index_name`` retried.

    Under REPEATABLE READ two transactions can each see no row and each
    create one; the partial unique index stops the second. That clash is
    a race, not bad input: raise Odoo's ConcurrencyError so that the
    request (or the cron) is retried, and the retry finds the row the
    first transaction made.
    """
    if not vals_list:
        return model.browse()
    try:
        # No flush: create() inserts at once, and flushing here would run
        # the transaction's pending hooks (tracking) on every call.
        with model.env.cr.savepoint(flush=False):
            records = model.create(vals_list)
    except errors.UniqueViolation as exc:
        if exc.diag.constraint_name != index_name:
            raise
        raise ConcurrencyError(
            f"{model._name}: a concurrent transaction created the same row ({index_name})"
        ) from exc
    return records
