"""A stand-in demo module for the runner's tests: ``python -m
tests.demos.slow_progress COUNT SECONDS`` reports a worker ready COUNT times,
SECONDS apart, then a result (or hangs, if SECONDS is long)."""

import json
import sys
import time


def main() -> None:
    count, seconds = int(sys.argv[1]), float(sys.argv[2])
    for worker in range(count):
        time.sleep(seconds)
        print(json.dumps({"event": "worker_ready", "worker": worker}), flush=True)
    print(json.dumps({"event": "result", "status": "ok", "message": ""}), flush=True)


if __name__ == "__main__":
    main()
