"""Background work (the task queue, Huey): tasks take ids, open their own database session and commit once.

`queue.py` builds the queue and its consumers, `tasks.py` the tasks and the periodic ones, `exports.py` what
each kind of job prints.
"""
