"""camera_workers puts up to CAMERAS_PER_WORKER cameras in one worker process; a camera enabled
later joins a worker with room (the one still consuming its queue first), else gets a new one."""
from __future__ import annotations

import subprocess
import sys

import pytest

from worker.supervisor import CameraWorkerSupervisor, worker_command


def test_it_fills_workers_up_to_the_limit_and_then_starts_another():
    supervisor = CameraWorkerSupervisor(cameras_per_worker=3)
    for camera_id in (4, 5, 6, 7, 9):
        supervisor.place(camera_id)

    assert [w.members for w in supervisor.workers.values()] == [[4, 5, 6], [7, 9]]
    assert supervisor.worker_of(9) is supervisor.worker_of(7) is not supervisor.worker_of(4)


def test_one_camera_per_worker_isolates_every_camera():
    supervisor = CameraWorkerSupervisor(cameras_per_worker=1)
    for camera_id in (1, 2, 3):
        supervisor.place(camera_id)

    assert [w.members for w in supervisor.workers.values()] == [[1], [2], [3]]


@pytest.fixture
def running():
    """A live process standing in for a worker's Celery process."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process
    process.kill()
    process.wait(timeout=10)


def test_a_camera_enabled_again_goes_back_to_the_worker_still_consuming_its_queue(running):
    supervisor = CameraWorkerSupervisor(cameras_per_worker=2)
    first = supervisor.add_worker([1], camera_ids=(1, 2), process=running)  # camera 2 was disabled meanwhile
    supervisor.add_worker([3])

    supervisor.place(2)

    assert first.members == [1, 2]  # no restart needed: its process still reads camera.2


def test_the_worker_command_gives_each_camera_its_queue_and_a_thread():
    command = worker_command([7, 3, 12])

    assert command[command.index("-Q") + 1] == "camera.3,camera.7,camera.12"
    assert command[command.index("--pool") + 1] == "threads"
    assert command[command.index("--concurrency") + 1] == "3"
    assert command[command.index("--hostname") + 1] == "camera3-7-12@%h"
    assert worker_command(5)[worker_command(5).index("-Q") + 1] == "camera.5"


def test_a_camera_still_draining_in_its_old_worker_is_started_elsewhere_only_once_that_one_exits(running):
    """Starting the new worker would clear the camera's drain request while the old segment still runs."""
    supervisor = CameraWorkerSupervisor(cameras_per_worker=1)
    old = supervisor.add_worker(camera_ids=(3,), process=running, stopping_since=0.0)
    new = supervisor.add_worker([3])

    supervisor._start(new)

    assert new.process is None and new.next_start_at > 0  # waits for the old one, tries again next poll
    running.kill()
    running.wait(timeout=10)
    assert not old.alive
