"""The agent's SQLite queue: in order, bounded (a full queue drops the new batch, never the waiting
ones), the dropped counter counted and kept across restarts."""
from edge_agent.outbox import Outbox


def test_it_keeps_order_drops_when_full_and_remembers_the_count(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    outbox = Outbox(path, max_batches=3)
    assert [outbox.put({"n": n}) for n in range(5)] == [True, True, True, False, False]
    assert (len(outbox), outbox.dropped) == (3, 2)
    seq, body = outbox.oldest()
    assert body == {"n": 0}
    outbox.remove(seq)
    seq, body = outbox.oldest()
    outbox.remove(seq, dropped=True)  # the server refused it for good
    outbox.close()

    reopened = Outbox(path, max_batches=3)  # the agent restarted
    assert (len(reopened), reopened.dropped, reopened.oldest()[1]) == (1, 3, {"n": 2})
    assert reopened.put({"n": 5}) and [reopened.oldest()[1]] == [{"n": 2}]
    reopened.close()
