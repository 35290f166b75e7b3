"""ui/computing.py: where the pages meet the compute service."""
from ui import computing
from ui.streamlit_internals import secrets_files


def test_the_redis_setting_comes_from_the_environment(monkeypatch):
    """RNN_REDIS_URL names the shared store; unset (and no secret) there is none."""
    monkeypatch.setenv(computing.REDIS_SETTING, " redis://127.0.0.1:6399/0 ")
    assert computing.redis_url() == "redis://127.0.0.1:6399/0"
    monkeypatch.delenv(computing.REDIS_SETTING)
    assert computing.redis_url() is None


def test_the_redis_setting_can_be_a_secret(monkeypatch, tmp_path):
    """Without RNN_REDIS_URL, `redis_url` in the secrets file (Community Cloud's secrets) is the
    setting."""
    monkeypatch.delenv(computing.REDIS_SETTING, raising=False)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('redis_url = "redis://127.0.0.1:6399/0"\n')
    with secrets_files([secrets]):
        assert computing.redis_url() == "redis://127.0.0.1:6399/0"
    assert computing.redis_url() is None


def test_a_secrets_file_that_cannot_be_read_means_no_shared_store(monkeypatch, tmp_path):
    """A secrets file that is not TOML: no shared store, no exception (the pages go on)."""
    monkeypatch.delenv(computing.REDIS_SETTING, raising=False)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('redis_url = "unclosed\n')
    with secrets_files([secrets]):
        assert computing.redis_url() is None
