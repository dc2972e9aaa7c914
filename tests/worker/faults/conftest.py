"""The fault suite's measured recovery times, printed in pytest's terminal summary."""
from __future__ import annotations

RECOVERY_TIMES: list[str] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if RECOVERY_TIMES:
        terminalreporter.section("camera fault recovery (measured; target: events again within 10 s)")
        for line in RECOVERY_TIMES:
            terminalreporter.write_line(line)
