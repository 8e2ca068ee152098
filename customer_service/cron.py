"""Scheduled jobs that survive a killed worker.

Every job picks its work from the data (what is not yet done: a flag, a date,
a unique key), works in batches and commits after each one through Odoo's
``ir.cron._commit_progress``. A worker killed between two commits loses at
most the batch in flight, which the next run redoes: the job's own key makes
redoing it harmless, so nothing is done twice and nothing is skipped.
"""

BATCH_SIZE = 1000


def in_cron(env):
    """Whether the scheduler runs this job (so that committing is ours to do)."""
    return bool(env.context.get("ir_cron_progress_id") and env.context.get("cron_id"))


def commit_batch(env, processed):
    """Commit a finished batch when run by the scheduler, and report it.

    Outside the scheduler (tests, buttons) nothing is committed: the caller's
    transaction stays whole. Either way the cache is emptied, so that memory
    stays flat over 100,000 records.
    """
    if in_cron(env):
        env["ir.cron"]._commit_progress(processed)
    else:
        env.flush_all()
    env.invalidate_all()


def batches(env, items, size=BATCH_SIZE):
    """Yield ``items`` (a list or a recordset) in slices, committing after each.

    The job runs to its end in one call: our jobs are daily, and the
    scheduler's time budget would only split them into more runs. A job
    killed midway starts again from its data at the next run.
    """
    if in_cron(env):
        env["ir.cron"]._commit_progress(remaining=len(items))
    for offset in range(0, len(items), size):
        batch = items[offset : offset + size]
        yield batch
        commit_batch(env, len(batch))
