"""Load benchmark: the bot as a separate process against the fake Bot API server, in polling mode.

    python bench/load.py [--model PATH] [--data-dir ../shared/data/snakes] [--photos 200] [--save FILE]
        [--designs ...] [--scenarios ...] [--silent-database]

Scenarios: (a) a spike, 200 photos from 50 chats at once; (b) a steady stream, 200 photos from 50 chats
at 30 a second; (c) 50 albums of 4 photos from 50 chats at once (our bot answers each album once; the
latency runs from the album's first photo to the reply to it). Photos are Telegram-sized: real photos
from the data set re-encoded at 1280 px on the long side, with Telegram's smaller sizes (90, 320, 800
px) beside them, as Telegram sends them. Each design runs in a fresh process per scenario; the first
photo, sent as the process starts, times start-up to the first answer. Measured: photos answered per
second (first photo sent to last reply), reply latency from the update's arrival at the fake Telegram to
the reply's arrival there, the bot process's CPU time per photo, its peak RSS (sampled from /proc, and
the kernel's high-water mark), "busy" replies, and lost replies (no reply within the time limit); the
CPU model and core count are printed with them. Also the inference alone for a 12-megapixel JPEG.
Designs:

- ours: `python -m bot` as shipped (Telegram's 30 messages a second overall, INFERENCE_QUEUE_SIZE=256);
- ours, limit lifted: the same with the overall message limit raised, to show what the pipeline does;
- naive: `learn.predict` inside the async handler (bench/naive_bot.py), the design most fastai bots use.

`--silent-database` points the bot at a feedback database that accepts connections and never answers
(`--designs ours --scenarios spike --photos 30`: are 30 photos at once still answered within 2 s?).

Results vary with what else runs on the machine; say what did when quoting them.
"""

import argparse
import asyncio
import contextlib
import io
import json
import os
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from PIL import Image

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))  # run as a script from anywhere

from tests.fakes.telegram_api import FakeTelegram  # noqa: E402

TOKEN = "123456:BENCH-token_abcdefghijklmnopqrstuvwxyz"
DEFAULT_DATA_DIR = REPOSITORY.parent / "shared" / "data" / "snakes"
DEFAULT_MODEL = REPOSITORY / "model" / "snake_classifier.pkl"
TELEGRAM_SIDES = (90, 320, 800, 1280)
CHATS = 50
AS_SHIPPED = {"PYTHONOPTIMIZE": "2"}
"""As the Dockerfile and `make run` start the bot: without docstrings, ~40 MB less memory."""
DESIGNS = {
    "ours": ("bench/our_bot.py", {"BENCH_OVERALL_RATE": "30", **AS_SHIPPED}),
    "ours, limit lifted": ("bench/our_bot.py", {"BENCH_OVERALL_RATE": "100000", **AS_SHIPPED}),
    "naive": ("bench/naive_bot.py", {}),
}


@dataclass(frozen=True)
class Scenario:
    rate: float | None
    """Messages (single photos or albums) sent per second; None: all at once."""
    album_size: int = 1
    """Photos per message: more than one is an album (one media_group_id), answered with one reply."""


SCENARIOS = {
    "spike": Scenario(rate=None),
    "steady 30/s": Scenario(rate=30.0),
    "albums of 4": Scenario(rate=None, album_size=4),
}
REPLY_TIME_LIMIT = 180.0

Ladder = list[tuple[int, int, bytes]]


class TimedTelegram(FakeTelegram):
    """The fake Bot API server, noting when each update was queued and when its reply arrived."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.queued_at: dict[int, float] = {}
        self.replied_at: dict[int, float] = {}
        self.all_replied = asyncio.Event()
        self.expected: set[int] = set()

    async def send_photo(self, chat_id: int, ladder: Ladder) -> int:
        return await self.send_album(chat_id, [ladder])

    async def send_album(self, chat_id: int, ladders: list[Ladder]) -> int:
        """Photos sent together (one photo alone is no album); returns the first one's message_id."""
        chat = {"id": chat_id, "type": "private", "first_name": "U"}
        album = {"media_group_id": f"album-{chat_id}-{time.monotonic_ns()}"} if len(ladders) > 1 else {}
        messages = [self.sized_photo_message(chat, ladder, **album) for ladder in ladders]
        self.queued_at[messages[0]["message_id"]] = time.perf_counter()
        for message in messages:
            await self.queue_update(self.update_for(message))
        return messages[0]["message_id"]

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        reply_to = (params.get("reply_parameters") or {}).get("message_id")
        self.replied_at.setdefault(reply_to, time.perf_counter())
        if self.expected and self.expected <= self.replied_at.keys():
            self.all_replied.set()
        return await super()._api_sendMessage(params)


@dataclass
class Run:
    design: str
    scenario: str
    startup_s: float = float("nan")
    photos: int = 0
    answered: int = 0
    """Replies with verdicts, one per single photo or album; "busy" ones are counted apart."""
    busy: int = 0
    lost: int = 0
    photos_per_s: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    high_water_rss_mb: float = 0.0
    cpu_ms_per_photo: float = 0.0
    """CPU time (user + system, all threads) the bot process spent per photo of the scenario."""


# Photos -------------------------------------------------------------------------------------------


def jpeg(image: Image.Image, quality: int = 87) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def scaled(image: Image.Image, long_side: int) -> Image.Image:
    factor = long_side / max(image.size)
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.LANCZOS)


def telegram_ladder(image: Image.Image) -> Ladder:
    """The sizes Telegram stores for a photo, smallest first: (width, height, JPEG bytes)."""
    return [(small.width, small.height, jpeg(small)) for small in (scaled(image, s) for s in TELEGRAM_SIDES)]


def source_images(data_dir: Path, count: int) -> list[Image.Image]:
    """`count` data set photos spread over its classes, or generated pictures where it is absent."""
    files = sorted(data_dir.glob("*/*.jpg")) if data_dir.is_dir() else []
    if files:
        step = max(1, len(files) // count)
        return [Image.open(path).convert("RGB") for path in files[::step][:count]]
    from tests.tiny_model import draw_photo

    print(f"no data set at {data_dir}: using generated pictures")
    labels = ("coral_snake", "kingsnake", "other_snake", "no_snake")
    return [draw_photo(labels[n % 4], seed=n, size=(1280, 960)) for n in range(count)]


# The bot process ----------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int, field_name: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def start_bot(
    design: str, fake: TimedTelegram, base: str, model: Path, log: Path, data: Path, database: str | None
):
    """The bot process, with an empty data folder of its own (the feedback database starts empty), or
    `database` as its DATABASE_URL."""
    script, extra = DESIGNS[design]
    environment = {
        "DATA_DIR": str(data),
        **os.environ,
        **({"DATABASE_URL": database} if database else {}),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"{base}/bot",
        "TELEGRAM_FILE_BASE_URL": f"{base}/file/bot",
        "MODEL_PATH": str(model),
        "PORT": str(free_port()),
        "INFERENCE_QUEUE_SIZE": "256",
        "API_ENABLED": "false",
        **extra,
    }
    with log.open("ab") as log_file:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            str(REPOSITORY / script),
            env=environment,
            cwd=REPOSITORY,
            stdout=log_file,
            stderr=log_file,
        )


async def silent_database() -> asyncio.Server:
    """A server that takes connections and says nothing: a database whose host is up and which hangs."""
    return await asyncio.start_server(lambda reader, writer: None, "127.0.0.1", 0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def one_run(
    design: str,
    scenario: str,
    ladders: list[Ladder],
    total: int,
    model: Path,
    log: Path,
    database: str | None = None,
) -> Run:
    fake = TimedTelegram(token=TOKEN)
    runner = web.AppRunner(fake.web_app(), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    plan = SCENARIOS[scenario]
    run = Run(design, scenario, photos=total // plan.album_size * plan.album_size)
    peak = 0.0
    process = None
    data = Path(tempfile.mkdtemp(prefix="bench-data-"))
    try:
        started = time.perf_counter()
        process = await start_bot(design, fake, f"http://127.0.0.1:{port}", model, log, data, database)
        first = await fake.send_photo(1, ladders[0])
        await fake.replies_to(first, timeout=REPLY_TIME_LIMIT)
        run.startup_s = time.perf_counter() - started

        async def sample() -> None:
            nonlocal peak
            while True:
                peak = max(peak, rss_mb(process.pid))
                await asyncio.sleep(0.02)

        sampler = asyncio.create_task(sample())
        ids = []
        cpu_before = cpu_seconds(process.pid)
        begin = time.perf_counter()
        for n in range(total // plan.album_size):
            if plan.rate is not None:
                await asyncio.sleep(max(0.0, begin + n / plan.rate - time.perf_counter()))
            photos = [ladders[(n * plan.album_size + k) % len(ladders)] for k in range(plan.album_size)]
            ids.append(await fake.send_album(1000 + n % CHATS, photos))
        fake.expected = set(ids)
        if fake.expected <= fake.replied_at.keys():
            fake.all_replied.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(fake.all_replied.wait(), REPLY_TIME_LIMIT)
        sampler.cancel()
        run.cpu_ms_per_photo = 1000 * (cpu_seconds(process.pid) - cpu_before) / run.photos
        run.high_water_rss_mb = rss_mb(process.pid, "VmHWM")
        run.peak_rss_mb = peak
        summarise(run, fake, ids, begin, plan.album_size)
    finally:
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()
        await runner.cleanup()
        shutil.rmtree(data, ignore_errors=True)
    return run


def summarise(run: Run, fake: TimedTelegram, ids: list[int], begin: float, album_size: int) -> None:
    """Replies are counted per message sent (an album is one); throughput in photos."""
    replied = [message_id for message_id in ids if message_id in fake.replied_at]
    texts = {sent.reply_to_message_id: sent.text for sent in fake.sent}
    run.busy = sum("busy" in texts.get(message_id, "") for message_id in replied)
    run.answered = len(replied) - run.busy
    run.lost = len(ids) - len(replied)
    if replied:
        last = max(fake.replied_at[message_id] for message_id in replied)
        run.photos_per_s = run.answered * album_size / (last - begin)
        latencies = [1000 * (fake.replied_at[m] - fake.queued_at[m]) for m in replied]
        cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
        run.latency_ms = {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "max": max(latencies)}


# Inference alone ----------------------------------------------------------------------------------


def inference_alone(model: Path, photo: bytes, repeats: int = 10) -> dict[str, float]:
    """Median milliseconds to classify one 12-megapixel JPEG: our classifier vs `Learner.predict`.

    Both run here with the threads the bot's InferenceService gives the forward pass.
    """
    import torch
    from fastai.learner import load_learner
    from naive_bot import FirstLogits
    from torch import nn

    from bot.inference import default_threads
    from model import load_classifier

    threads = default_threads(workers=1)
    torch.set_num_threads(threads)  # for Learner.predict
    classifier = load_classifier(model)
    classifier.use_threads(threads)
    learner = load_learner(model, cpu=True)
    # Learner.predict decodes every output as a class: keep the snake classes' (bench/naive_bot.py).
    learner.model = nn.Sequential(learner.model, FirstLogits(len(learner.dls.vocab)))

    def median_ms(action) -> float:
        action()  # warm-up
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            action()
            timings.append(1000 * (time.perf_counter() - started))
        return statistics.median(timings)

    with learner.no_bar(), learner.no_logging():
        naive = median_ms(lambda: learner.predict(photo))
    return {"ours_ms": median_ms(lambda: classifier.classify(photo)), "naive_ms": naive}


def machine() -> str:
    """The CPU model and core count: results differ a lot between CPU families."""
    names = [
        line.split(":", 1)[1].strip()
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if line.startswith("model name")
    ]
    return f"CPU: {names[0] if names else 'unknown'}, {os.cpu_count()} cores"


# Report -------------------------------------------------------------------------------------------


def table(runs: list[Run]) -> str:
    head = (
        "| design | scenario | start-up s | photos answered/s | p50 ms | p95 ms | p99 ms | busy | lost | "
        "peak RSS MB (run / high-water) | bot CPU ms/photo |\n|---|---|---|---|---|---|---|---|---|---|---|"
    )
    rows = [
        f"| {r.design} | {r.scenario} | {r.startup_s:.1f} | {r.photos_per_s:.1f} | "
        f"{r.latency_ms.get('p50', float('nan')):.0f} | {r.latency_ms.get('p95', float('nan')):.0f} | "
        f"{r.latency_ms.get('p99', float('nan')):.0f} | {r.busy} | {r.lost} | "
        f"{r.peak_rss_mb:.0f} / {r.high_water_rss_mb:.0f} | {r.cpu_ms_per_photo:.0f} |"
        for r in runs
    ]
    return "\n".join([head, *rows])


def ratios(runs: list[Run], ours: str) -> str:
    by_key = {(r.design, r.scenario): r for r in runs}
    lines = []
    for scenario in SCENARIOS:
        mine, naive = by_key.get((ours, scenario)), by_key.get(("naive", scenario))
        if not (mine and naive and mine.latency_ms and naive.latency_ms and naive.photos_per_s):
            continue
        lines.append(
            f"{scenario}: {ours} vs naive: throughput x{mine.photos_per_s / naive.photos_per_s:.1f}, "
            f"p95 latency x{naive.latency_ms['p95'] / mine.latency_ms['p95']:.1f} lower, "
            f"peak RSS x{mine.peak_rss_mb / max(naive.peak_rss_mb, 1):.2f}"
        )
    return "\n".join(lines)


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    model = args.model
    model_note = f"model: {model}"
    if not model.is_file():
        from tests.tiny_model import train_tiny_learner

        model = train_tiny_learner(Path(tempfile.mkdtemp(prefix="bench-tiny-")))
        model_note = f"model: {args.model} is absent; using the tiny test learner (tests/tiny_model.py)"
    print(model_note, flush=True)
    # Compiled beside the learner once, as the Dockerfile does at build time: start-up is a bot serving it.
    from model import load_classifier

    load_classifier(model)
    print(machine(), flush=True)
    images = source_images(args.data_dir, CHATS)
    ladders = [telegram_ladder(scaled(image, 1280)) for image in images]
    twelve_mp = jpeg(images[0].resize((4000, 3000), Image.Resampling.LANCZOS), quality=90)
    log = Path(tempfile.mkdtemp(prefix="bench-logs-")) / "bots.log"
    runs = []
    async with await silent_database() as silent:
        database = None
        if args.silent_database:
            database = f"postgresql://bench@127.0.0.1:{silent.sockets[0].getsockname()[1]}/feedback"
            print(f"feedback database: {database}, which accepts connections and never answers")
        for scenario in args.scenarios:
            for design in args.designs:
                run = await one_run(design, scenario, ladders, args.photos, model, log, database)
                print(json.dumps(run.__dict__), flush=True)
                runs.append(run)
    alone = inference_alone(model, twelve_mp)
    print()
    print(model_note)
    print(machine())
    print(table(runs))
    print()
    print(ratios(runs, "ours, limit lifted"))
    print(ratios(runs, "ours"))
    print(
        f"inference alone, 12-megapixel JPEG: ours {alone['ours_ms']:.0f} ms, "
        f"Learner.predict {alone['naive_ms']:.0f} ms (x{alone['naive_ms'] / alone['ours_ms']:.1f})"
    )
    print(f"bot logs: {log}")
    return {
        "model": model_note,
        "machine": machine(),
        "runs": [run.__dict__ for run in runs],
        "inference_alone": alone,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--photos", type=int, default=200, help="photos per scenario")
    parser.add_argument("--designs", nargs="+", default=list(DESIGNS), choices=list(DESIGNS))
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=list(SCENARIOS))
    parser.add_argument("--save", type=Path, help="also write the results to this JSON file")
    parser.add_argument(
        "--silent-database",
        action="store_true",
        help="point the bot's DATABASE_URL at a server that accepts connections and never answers",
    )
    args = parser.parse_args()
    results = asyncio.run(bench(args))
    if args.save:
        args.save.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
