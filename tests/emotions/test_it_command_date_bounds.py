"""--since/--until of the legacy commands follow the same time bounds: an absurd date is a usage error naming the option, not a traceback."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("command", ["export_emotion_log", "analyze_emotions"])
@pytest.mark.parametrize(("option", "value"), [("--since", "0001-01-01"), ("--until", "9999-12-31T23:59-23:59")])
def test_it_refuses_out_of_range_dates(tmp_path, command, option, value):
    args = [str(tmp_path / "out.csv")] if command == "export_emotion_log" else []
    with pytest.raises(CommandError) as error:
        call_command(command, *args, option, value, stdout=StringIO(), stderr=StringIO())
    assert option in str(error.value) and repr(value) in str(error.value)
