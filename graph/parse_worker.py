"""The loader's helper process: ``python -m graph.parse_worker JOBS_FILE``.

Parses the files listed (pickled) in JOBS_FILE and writes the results,
pickled, to stdout. Only graph.loader starts it, with a file it wrote itself.
"""

import pickle
import sys

from graph.loader import parse_chunk

with open(sys.argv[1], "rb") as job_file:
    jobs = pickle.load(job_file)
pickle.dump(parse_chunk(jobs), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
