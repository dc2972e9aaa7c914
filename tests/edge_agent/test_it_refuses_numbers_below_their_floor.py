"""The edge agent refuses a zero or negative queue, thread count, interval or frame limit with a message
naming the option, instead of running with it (an explicit 0 is passed through, so each needs a floor)."""
import pytest

from edge_agent.agent import AgentError
from edge_agent.cli import _options, _parser, config_from, main


def config(*argv: str):
    return config_from(_options(_parser().parse_args(["--server", "http://site", "--token", "t", *argv])))


@pytest.mark.parametrize("argv, message", [
    (["--threads", "0"], "--threads must be at least 1"),
    (["--heartbeat-seconds", "0"], "--heartbeat-seconds must be at least 1"),
    (["--flush-seconds", "0"], "--flush-seconds must be at least 0.1"),
    (["--max-queue", "0"], "--max-queue must be at least 1"),
    (["--drain-timeout", "-1"], "--drain-timeout must be at least 0"),
    (["--max-frames", "0"], "--max-frames must be at least 1"),
])
def test_it_refuses_a_number_below_its_floor(argv, message):
    with pytest.raises(AgentError, match=message):
        config(*argv)


def test_it_keeps_good_values_and_zero_smoothing():
    good = config("--threads", "2", "--max-frames", "10", "--drain-timeout", "0", "--smoothing-seconds", "0")
    assert (good.threads, good.max_frames, good.drain_timeout, good.smoothing_seconds) == (2, 10, 0.0, 0.0)


def test_the_command_says_why_and_exits_nonzero(capsys):
    assert main(["--server", "http://site", "--token", "t", "--max-queue", "0"]) != 0
    assert "--max-queue must be at least 1" in capsys.readouterr().err
