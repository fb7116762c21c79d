"""The API rate limiter's cost per request as the number of tracked clients grows (issue 34, case 9).

    .venv/bin/python bench/ratelimit.py

With `API_TRUST_PROXY=true` every spoofed `X-Forwarded-For` address is a new client. Prints the median
microseconds per `retry_after` over 5 runs of 20,000 requests from fresh addresses, at 1,000 to 64,000
clients already tracked, with the CPU model: the cost should stay flat.
"""

import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))  # run as a script from anywhere

from bot.web.ratelimit import RateLimiter

REQUESTS = 20_000


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []:
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def microseconds_per_request(tracked: int) -> float:
    limiter = RateLimiter(per_minute=30, max_clients=max(tracked, 10_000))
    for client in range(tracked):
        limiter.retry_after(f"warm-{client}")
    started = time.perf_counter()
    for client in range(REQUESTS):
        limiter.retry_after(f"new-{client}")
    return (time.perf_counter() - started) / REQUESTS * 1e6


def main() -> None:
    print(f"CPU: {cpu_model()}")
    for tracked in (1_000, 8_000, 32_000, 64_000):
        runs = [microseconds_per_request(tracked) for _ in range(5)]
        print(f"{tracked:>6} clients tracked: {statistics.median(runs):.2f} us a request (median of 5)")


if __name__ == "__main__":
    main()
