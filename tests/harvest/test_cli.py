"""`python -m training.harvest`: arguments and environment in, a report or a clear error out."""

import asyncio
from pathlib import Path

import pytest

from tests.harvest.fake_services import FakeServices
from training.harvest.__main__ import main
from training.harvest.settings import HarvestSettings


async def test_a_dry_run_prints_what_each_class_would_get(
    settings: HarvestSettings, fake_services: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = [str(settings.classes_csv), str(settings.out_dir), "--dry-run", "--requests-per-second", "0"]
    environment = {"INATURALIST_API_URL": settings.inaturalist_url}

    # main runs its own event loop; a thread keeps this test's loop free to serve the fake.
    status = await asyncio.to_thread(main, arguments, environment)

    assert status == 0
    output = capsys.readouterr().out
    assert "coral_snake: 0 kept, would fetch 8 of 50 wanted (inaturalist 8)" in output
    assert not settings.out_dir.exists()


def test_a_bad_classes_file_ends_with_a_message_and_status_1(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    classes = tmp_path / "classes.csv"
    classes.write_text("class,taxa\n")

    assert main([str(classes), str(tmp_path / "out")], {}) == 1
    assert "missing column(s) exclude, limit" in caplog.text
