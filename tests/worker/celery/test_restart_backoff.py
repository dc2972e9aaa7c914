"""camera_workers waits longer before each restart of a worker that keeps dying, up to a minute."""
from __future__ import annotations

from worker.supervisor import restart_delay_seconds


def test_it_doubles_the_restart_wait_up_to_a_minute():
    assert [restart_delay_seconds(n) for n in range(0, 9)] == [0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    assert restart_delay_seconds(3, first=0.5) == 2.0
